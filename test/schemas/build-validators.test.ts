// scripts/build-validators.mjs: the strict variants are derived correctly, and the generated
// module is self-contained (no import, no require, no Node global) so that k6 can run it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { build, transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSchemaFiles, buildValidators, createAjv, laxIdBase, loadSchemas, strictIdBase, strictVariant,
} from '../../scripts/build-validators.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('strictVariant', () => {
  const nested = {
    $id: `${laxIdBase}x.schema.json`,
    title: 'X',
    type: 'object',
    properties: {
      a: { type: 'object', properties: { b: { type: 'array', items: { type: 'object', properties: { c: { type: 'string' } } } } } },
      open: { type: 'object', additionalProperties: true },
      lax: { $ref: `${laxIdBase}y.schema.json` },
      rel: { $ref: 'y.schema.json' },
      composed: { type: 'object', allOf: [{ type: 'object', properties: { d: { type: 'string' } } }] },
    },
  };

  it('forbids unknown properties at every object level, keeping explicit choices', () => {
    const s = strictVariant(nested) as typeof nested & Record<string, unknown>;
    const p = s.properties as Record<string, Record<string, unknown>>;
    expect(s['additionalProperties']).toBe(false);
    expect(p['a']?.['additionalProperties']).toBe(false);
    const items = ((p['a']?.['properties'] as Record<string, Record<string, unknown>>)['b']?.['items']) as Record<string, unknown>;
    expect(items['additionalProperties']).toBe(false);
    expect(p['open']?.['additionalProperties']).toBe(true);
    // With composition, additionalProperties would reject the properties the branches define.
    expect(p['composed']?.['unevaluatedProperties']).toBe(false);
    expect(p['composed']?.['additionalProperties']).toBeUndefined();
  });

  it('moves the $id and absolute refs under the strict base; relative refs follow the $id', () => {
    const s = strictVariant(nested) as Record<string, unknown>;
    const p = s['properties'] as Record<string, Record<string, unknown>>;
    expect(s['$id']).toBe(`${strictIdBase}x.schema.json`);
    expect(s['title']).toBe('X (strict)');
    expect(p['lax']?.['$ref']).toBe(`${strictIdBase}y.schema.json`);
    expect(p['rel']?.['$ref']).toBe('y.schema.json');
  });

  it('does not touch its input', () => {
    const before = JSON.stringify(nested);
    strictVariant(nested);
    expect(JSON.stringify(nested)).toBe(before);
  });

  it('derives strict variants of the API schemas that compile in ajv strict mode and refuse drift', () => {
    const ajv = createAjv();
    const schemas = loadSchemas(root);
    for (const s of Object.values(schemas)) ajv.addSchema(s).addSchema(strictVariant(s));
    const strictList = ajv.getSchema(`${strictIdBase}${apiSchemaFiles.TemplateList}`);
    const laxList = ajv.getSchema(`${laxIdBase}${apiSchemaFiles.TemplateList}`);
    const doc = {
      data: [{ id: 't-550e8400-e29b-41d4-a716-446655440000', name: 'n', created_at: '2025-01-31T09:30:00.000Z', x: 1 }],
      pagination: { total: 1, page: 1, per_page: 50, next_page: null },
    };
    expect(laxList?.(doc)).toBe(true);
    expect(strictList?.(doc)).toBe(false);
    expect(strictList?.errors?.map((e) => [e.instancePath, e.keyword])).toEqual([['/data/0', 'additionalProperties']]);
  });

  it('refuses a schema file whose $id is not where the build expects it', () => {
    const fake = mkdtempSync(join(tmpdir(), 'schemas-'));
    try {
      mkdirSync(join(fake, 'schemas'));
      for (const file of Object.values(apiSchemaFiles)) {
        const s = JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8')) as Record<string, unknown>;
        if (file === apiSchemaFiles.Run) s['$id'] = `${laxIdBase}runs.schema.json`;
        writeFileSync(join(fake, 'schemas', file), JSON.stringify(s));
      }
      expect(() => loadSchemas(fake)).toThrow(/run\.schema\.json: \$id must be/);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});

describe('buildValidators', () => {
  let outDir = '';
  let built: Awaited<ReturnType<typeof buildValidators>>;
  let code = '';
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'validators-'));
    built = await buildValidators(root, { outDir });
    code = readFileSync(built.outFile, 'utf8');
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes a module with no import statement and a matching .d.ts', () => {
    expect(built.bytes).toBeGreaterThan(0);
    expect(code).not.toMatch(/^\s*import[\s{*]/m);
    expect(code).not.toMatch(/\bimport\s*\(/);
    const dts = readFileSync(join(outDir, 'validators.d.ts'), 'utf8');
    const strictDts = readFileSync(join(outDir, 'validators-strict.d.ts'), 'utf8');
    expect(readFileSync(built.strictOutFile, 'utf8')).not.toMatch(/^\s*import[\s{*]/m);
    for (const name of Object.keys(apiSchemaFiles)) {
      expect(dts).toContain(`export declare const validate${name}: ValidateFunction;`);
      expect(strictDts).toContain(`export declare const validate${name}Strict: ValidateFunction;`);
    }
  });

  it('runs in a bare JavaScript context: no require, no process, no Node or DOM globals', async () => {
    // Same idea as k6's runtime: only the ECMAScript built-ins exist.
    const load = async (text: string) => {
      const { code: iife } = await transform(text, { format: 'iife', globalName: 'generated', target: 'es2022' });
      const sandbox: Record<string, unknown> = {};
      runInNewContext(`${iife}\nglobalThis.result = generated;`, sandbox);
      return sandbox['result'] as Record<string, Record<string, (d: unknown) => boolean>>;
    };
    const mod = { lax: (await load(code))['lax']!, strict: (await load(readFileSync(built.strictOutFile, 'utf8')))['strict']! };
    const error = { error: 'run_not_found', message: 'm' };
    expect(mod.lax['Error']?.(error)).toBe(true);
    expect(mod.lax['Error']?.({ error: 'Bad' })).toBe(false);
    expect(mod.strict['Error']?.({ ...error, extra: 1 })).toBe(false);
    expect(Object.keys(mod.lax).sort()).toEqual(Object.keys(apiSchemaFiles).sort());
  });

  it('lets lib/validate.ts and lib/drift.ts bundle for k6 and run in a bare context', async () => {
    // What a k6 scenario gets: the module plus the generated code, bundled for a browser-like engine.
    const bundle = async (entry: string) => {
      const out = await build({
        absWorkingDir: root, entryPoints: [entry], bundle: true, write: false, format: 'iife',
        globalName: 'm', platform: 'browser', target: 'es2022', logLevel: 'silent',
      });
      const sandbox: Record<string, unknown> = {};
      runInNewContext(`${out.outputFiles[0]?.text}\nglobalThis.result = m;`, sandbox);
      return { text: out.outputFiles[0]!.text, mod: sandbox['result'] };
    };
    const v = await bundle('lib/validate.ts');
    expect((v.mod as typeof import('../../lib/validate')).validate('Pagination', { total: 0, page: 1, per_page: 50, next_page: 1 })).toEqual([
      { path: '/next_page', message: 'must be >= 2' },
    ]);
    // Validation alone does not carry the strict variants.
    expect(v.text).not.toMatch(/validate\w*Strict|strict\//);
    const d = await bundle('lib/drift.ts');
    expect((d.mod as typeof import('../../lib/drift')).unknownProperties('Error', { error: 'x', message: 'm', hint: 'h' })).toEqual(['/hint']);
  });
});
