// schemas/openapi.json: valid OpenAPI 3.1 (with its external schema files), and faithful to the
// contract: every operation lists exactly the statuses schemas/contract.json gives it, always
// 401/429/500, every error response carries the Error schema, and 429 requires Retry-After.
// schemas/openapi.bundled.json: the same in one file, valid with no schema files supplied, no
// external $ref, servers on loopback/staging, and a Retry-After schema for both forms.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { apiSchemaFiles, createAjv } from '../../scripts/build-validators.mjs';
import { bundleOpenApi, externalRefs, renderBundledOpenApi } from '../../scripts/build-openapi.mjs';

type Json = Record<string, unknown>;
const schemasDir = fileURLToPath(new URL('../../schemas', import.meta.url));
const readJson = (file: string): Json => JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as Json;
const loadDoc = (): Json => readJson('openapi.json');
const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Follows an internal '#/...' reference (one level at a time until a non-reference). */
function deref(doc: Json, node: unknown): Json {
  let cur = node;
  for (let hops = 0; isObj(cur) && typeof cur['$ref'] === 'string' && cur['$ref'].startsWith('#/'); hops++) {
    if (hops > 10) throw new Error('reference loop');
    cur = cur['$ref'].slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), doc);
  }
  if (!isObj(cur)) throw new Error(`unresolvable reference ${JSON.stringify(node)}`);
  return cur;
}

interface Operation { id: string; method: string; path: string; op: Json }
function operations(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc['paths'] as Json)) {
    for (const method of methods) {
      const op = (item as Json)[method];
      if (isObj(op)) out.push({ id: String(op['operationId']), method: method.toUpperCase(), path, op });
    }
  }
  return out;
}

const ERROR_REF = '#/components/schemas/Error';
/** Rule violations of the document, as readable strings ([] = fine). */
function problems(doc: Json): string[] {
  const found: string[] = [];
  for (const { id, op } of operations(doc)) {
    const responses = op['responses'] as Json;
    for (const status of ['401', '429', '500']) if (!(status in responses)) found.push(`${id}: no ${status}`);
    for (const [status, ref] of Object.entries(responses)) {
      if (!/^[45]\d\d$/.test(status)) continue;
      const schema = (deref(doc, ref)['content'] as Json | undefined)?.['application/json'];
      if (!isObj(schema) || !isObj(schema['schema']) || schema['schema']['$ref'] !== ERROR_REF) {
        found.push(`${id} ${status}: body is not the Error schema`);
      }
      if (status === '429') {
        const headers = deref(doc, ref)['headers'];
        const retryAfter = isObj(headers) ? headers['Retry-After'] : undefined;
        const h = retryAfter === undefined ? undefined : deref(doc, retryAfter);
        if (h?.['required'] !== true || (h['schema'] as Json | undefined)?.['type'] !== 'string') {
          found.push(`${id} 429: Retry-After is not a required string header`);
        }
      }
    }
  }
  const errorSchema = (doc['components'] as Json)['schemas'] as Json;
  if ((errorSchema['Error'] as Json | undefined)?.['$ref'] !== apiSchemaFiles.Error) found.push('components Error is not error.schema.json');
  return found;
}

async function validatorWithSchemaFiles(): Promise<Validator> {
  const v = new Validator();
  // The document's $refs are relative ("run.schema.json"), resolved beside openapi.json. This
  // validator resolves only what it was given, under exactly the URI used in the $ref.
  for (const file of Object.values(apiSchemaFiles)) await v.addSpecRef(readJson(file), file);
  return v;
}

describe('openapi.json', () => {
  it('is a valid OpenAPI 3.1 document once its schema files are supplied', async () => {
    const result = await (await validatorWithSchemaFiles()).validate(loadDoc());
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it.each([
    ['without its schema files (unresolvable $refs)', async () => new Validator(), loadDoc()],
    ['a response without a description', validatorWithSchemaFiles, (() => {
      const doc = loadDoc();
      delete (deref(doc, { $ref: '#/components/responses/RateLimited' }))['description'];
      return doc;
    })()],
    ['a $ref to a missing component', validatorWithSchemaFiles, (() => {
      const doc = loadDoc();
      ((doc['components'] as Json)['schemas'] as Json)['Run'] = { $ref: '#/components/schemas/Nope' };
      return doc;
    })()],
  ])('is refused %s (the validator is not a rubber stamp)', async (_why, make, doc) => {
    expect((await (await make()).validate(doc)).valid).toBe(false);
  });

  it('declares the production server, bearer auth and OpenAPI 3.1.0', () => {
    const doc = loadDoc();
    expect(doc['openapi']).toBe('3.1.0');
    expect(doc['servers']).toEqual([expect.objectContaining({ url: 'https://api.rundun.app/v1' })]);
    expect(doc['security']).toEqual([{ bearerAuth: [] }]);
    expect(((doc['components'] as Json)['securitySchemes'] as Json)['bearerAuth']).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('wraps every API schema file as a component of the same name', () => {
    const components = (loadDoc()['components'] as Json)['schemas'] as Json;
    expect(Object.keys(components).sort()).toEqual(Object.keys(apiSchemaFiles).sort());
    for (const [name, file] of Object.entries(apiSchemaFiles)) {
      expect(components[name]).toEqual({ $ref: file });
      expect(readJson(file)['title']).toBe(name);
    }
  });

  it('lists for every operation exactly the statuses the contract gives it', () => {
    const contract = readJson('contract.json');
    const expected = (contract['operations'] as { id: string; method: string; path: string; statuses: number[] }[])
      .map((o) => ({ id: o.id, method: o.method, path: o.path, statuses: o.statuses.map(String).sort() }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const actual = operations(loadDoc())
      .map(({ id, method, path, op }) => ({ id, method, path, statuses: Object.keys(op['responses'] as Json).sort() }))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(actual).toEqual(expected);
  });

  it.each([
    ['listTemplates', '200', 'TemplateList'],
    ['getTemplate', '200', 'Template'],
    ['createRun', '201', 'Run'],
    ['listRuns', '200', 'RunList'],
    ['getRun', '200', 'Run'],
  ])('%s answers %s with %s', (id, status, schema) => {
    const doc = loadDoc();
    const op = operations(doc).find((o) => o.id === id)?.op;
    const body = (deref(doc, (op?.['responses'] as Json)[status])['content'] as Json)['application/json'] as Json;
    expect(body['schema']).toEqual({ $ref: `#/components/schemas/${schema}` });
  });

  it('takes a CreateRunRequest JSON body on createRun', () => {
    const doc = loadDoc();
    const op = operations(doc).find((o) => o.id === 'createRun')?.op;
    expect(op?.['requestBody']).toMatchObject({
      required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateRunRequest' } } },
    });
  });

  it('has 401, 429 (with a required Retry-After) and 500 everywhere, and the Error body on every 4xx/5xx', () => {
    expect(problems(loadDoc())).toEqual([]);
  });

  it.each([
    ['an operation without 429', (d: Json) => { delete ((((d['paths'] as Json)['/runs'] as Json)['get'] as Json)['responses'] as Json)['429']; }, 'listRuns: no 429'],
    ['an operation without 401', (d: Json) => { delete ((((d['paths'] as Json)['/templates/{id}'] as Json)['get'] as Json)['responses'] as Json)['401']; }, 'getTemplate: no 401'],
    ['an error response with a Run body', (d: Json) => {
      ((((((d['paths'] as Json)['/runs/{id}'] as Json)['get'] as Json)['responses'] as Json))['410']) = {
        description: 'x', content: { 'application/json': { schema: { $ref: '#/components/schemas/Run' } } },
      };
    }, 'getRun 410: body is not the Error schema'],
    ['a 429 whose Retry-After is optional', (d: Json) => { (((d['components'] as Json)['headers'] as Json)['RetryAfter'] as Json)['required'] = false; }, 'getRun 429: Retry-After is not a required string header'],
  ])('the rule check catches %s', (_why, mutate, problem) => {
    const doc = loadDoc();
    mutate(doc);
    expect(problems(doc)).toContain(problem);
  });
});

// schemas/openapi.bundled.json: the same API in one file for Schemathesis, Prism and the like.
describe('openapi.bundled.json', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const loadBundle = (): Json => readJson('openapi.bundled.json');

  it('is up to date with openapi.json and the schema files (npm run build rewrites it)', () => {
    expect(readFileSync(join(schemasDir, 'openapi.bundled.json'), 'utf8')).toBe(renderBundledOpenApi(root));
  });

  it('is a valid OpenAPI 3.1 document on its own: no schema files supplied', async () => {
    const result = await new Validator().validate(loadBundle());
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('has no external $ref, and every internal one resolves', () => {
    const doc = loadBundle();
    expect(externalRefs(doc)).toEqual([]);
    const refs: string[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (isObj(n)) for (const [k, v] of Object.entries(n)) k === '$ref' && typeof v === 'string' ? refs.push(v) : walk(v);
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(30);
    for (const ref of new Set(refs)) expect(() => deref(doc, { $ref: ref }), ref).not.toThrow();
    expect(refs).toContain('#/components/schemas/Run'); // run-list.schema.json's "run.schema.json", rewritten
  });

  it('inlines each API schema file as its component, without $id/$schema (they would move the refs\' base URI)', () => {
    const components = (loadBundle()['components'] as Json)['schemas'] as Json;
    for (const [name, file] of Object.entries(apiSchemaFiles)) {
      const { $id: _id, $schema: _dialect, ...expected } = readJson(file);
      expect(JSON.stringify(components[name]).replace(/#\/components\/schemas\/(\w+)/g, (_m, n: string) => apiSchemaFiles[n as keyof typeof apiSchemaFiles]))
        .toBe(JSON.stringify(expected));
    }
  });

  it('keeps every operation of openapi.json as it is', () => {
    expect(loadBundle()['paths']).toEqual(loadDoc()['paths']);
  });

  it('points at the simulator on loopback and a staging placeholder, never at production', () => {
    const servers = loadBundle()['servers'] as Json[];
    expect(servers).toEqual([
      expect.objectContaining({ url: 'http://127.0.0.1:{port}/v1', variables: { port: expect.objectContaining({ default: '4010' }) } }),
      expect.objectContaining({ url: 'https://staging.example.invalid/v1', description: expect.stringMatching(/replace/i) }),
    ]);
    expect(JSON.stringify(servers)).not.toContain('api.rundun.app');
  });

  it('refuses to bundle a $ref to a file that is not an API schema', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'rundun-openapi-'));
    try {
      cpSync(schemasDir, join(tmp, 'schemas'), { recursive: true });
      const doc = loadDoc();
      ((doc['components'] as Json)['schemas'] as Json)['Extra'] = { $ref: 'extra.schema.json' };
      writeFileSync(join(tmp, 'schemas', 'openapi.json'), JSON.stringify(doc));
      expect(() => bundleOpenApi(tmp)).toThrow(/extra\.schema\.json/);
      expect(externalRefs({ a: [{ $ref: '#/ok' }, { $ref: 'other.json#/x' }] })).toEqual(['#/a/1: other.json#/x']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  describe('its Retry-After header schema (compiled with ajv)', () => {
    const header = () => deref(loadBundle(), { $ref: '#/components/headers/RetryAfter' });
    const validate = () => createAjv().compile(header()['schema'] as Json);

    it('describes both forms, each with a description and an example', () => {
      const forms = (header()['schema'] as Json)['oneOf'] as Json[];
      expect(forms.map((f) => f['title'])).toEqual(['delay-seconds', 'HTTP-date (IMF-fixdate)']);
      for (const f of forms) {
        expect(f['description']).toEqual(expect.any(String));
        for (const example of f['examples'] as string[]) expect(validate()(example), example).toBe(true);
      }
    });

    it.each(['120', '0', '2', 'Sun, 06 Nov 1994 08:49:37 GMT', 'Thu, 31 Dec 2026 23:59:60 GMT'])('accepts %j', (value) => {
      expect(validate()(value)).toBe(true);
    });

    it.each(['soon', '', '-1', '1.5', '+5', '120s', ' 120', 'Sunday, 06-Nov-94 08:49:37 GMT', 'Sun Nov  6 08:49:37 1994', 'Sun, 06 Nov 1994 08:49:37 UTC', 'Sun, 6 Nov 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 24:00:00 GMT'])(
      'rejects %j',
      (value) => expect(validate()(value)).toBe(false),
    );
  });
});
