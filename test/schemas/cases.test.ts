// Runs every case of schemas/cases/*.json through the precompiled validators (lib/validate.ts)
// and through an ajv compiled here, at run time, from the same schema files: the verdicts must be
// the expected ones and the two validators must report the same issues.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { apiSchemaFiles } from '../../scripts/build-validators.mjs';
import {
  createRunRequestVerdict, schemaNames, validate, type SchemaIssue, type SchemaName,
} from '../../lib/validate';
import { unknownProperties } from '../../lib/drift';

interface Case {
  description: string;
  data: unknown;
  valid: boolean;
  unknown?: string[];
  issuePath?: string;
  verdict?: 'bad_request' | 'validation_failed';
}
interface CaseFile { schema: SchemaName; cases: Case[] }

const schemasDir = fileURLToPath(new URL('../../schemas', import.meta.url));
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const caseFileNames = readdirSync(join(schemasDir, 'cases')).filter((f) => f.endsWith('.json')).sort();
const caseFiles = caseFileNames.map((f) => ({ file: f, content: readJson(join(schemasDir, 'cases', f)) as CaseFile }));

// The runtime reference: same options as the build (allErrors, strict, date-time format).
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv, ['date-time']);
for (const file of Object.values(apiSchemaFiles)) ajv.addSchema(readJson(join(schemasDir, file)) as object);
const validateCaseFile = ajv.compile(readJson(join(schemasDir, 'cases.schema.json')) as object);

function runtimeIssues(name: SchemaName, doc: unknown): SchemaIssue[] {
  const fn = ajv.getSchema(`https://schemas.rundun-harness.dev/v1/${apiSchemaFiles[name]}`);
  if (!fn) throw new Error(`no runtime schema for ${name}`);
  if (fn(doc)) return [];
  return (fn.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? e.keyword }));
}
const sortIssues = (issues: SchemaIssue[]): string[] => issues.map((i) => `${i.path} ${i.message}`).sort();

describe('case files', () => {
  it('cover every schema name, one file each, named after the schema file', () => {
    expect(caseFiles.map((c) => c.content.schema).sort()).toEqual([...schemaNames].sort());
    for (const { file, content } of caseFiles) expect(apiSchemaFiles[content.schema]).toBe(file.replace(/\.json$/, '.schema.json'));
  });

  it.each(caseFiles.map((c) => [c.file, c.content] as const))('%s matches cases.schema.json', (_file, content) => {
    expect(validateCaseFile(content), JSON.stringify(validateCaseFile.errors)).toBe(true);
  });

  const oneCase = (valid: boolean, extra: object = {}) => ({ description: 'x', data: {}, valid, ...extra });
  it.each([
    ['fewer than 5 valid cases', { schema: 'Run', cases: [...Array(4)].map(() => oneCase(true)).concat([...Array(5)].map(() => oneCase(false))) }],
    ['fewer than 5 invalid cases', { schema: 'Run', cases: [...Array(5)].map(() => oneCase(true)).concat([...Array(4)].map(() => oneCase(false))) }],
    ['an unknown schema name', { schema: 'Org', cases: [...Array(5)].map(() => oneCase(true)).concat([...Array(5)].map(() => oneCase(false))) }],
    ['a valid case with an issuePath', { schema: 'Run', cases: [oneCase(true, { issuePath: '' }), ...[...Array(4)].map(() => oneCase(true)), ...[...Array(5)].map(() => oneCase(false))] }],
    ['an invalid case with unknown', { schema: 'Run', cases: [...Array(5)].map(() => oneCase(true)).concat([oneCase(false, { unknown: ['/a'] }), ...[...Array(4)].map(() => oneCase(false))]) }],
    ['a case without data', { schema: 'Run', cases: [{ description: 'x', valid: true }, ...[...Array(5)].map(() => oneCase(true)), ...[...Array(5)].map(() => oneCase(false))] }],
    ['an unknown case property', { schema: 'Run', cases: [oneCase(true, { expected: 1 }), ...[...Array(5)].map(() => oneCase(true)), ...[...Array(5)].map(() => oneCase(false))] }],
  ])('cases.schema.json refuses %s', (_why, content) => {
    expect(validateCaseFile(content)).toBe(false);
  });
});

const table = caseFiles.flatMap(({ content }) =>
  content.cases.map((c) => [`${content.schema}: ${c.valid ? 'valid' : 'invalid'}: ${c.description}`, content.schema, c] as const),
);

describe.each(table)('%s', (_title, name, c) => {
  it('gets the expected verdict from the precompiled validator, agreeing with runtime ajv', () => {
    const issues = validate(name, c.data);
    expect(issues.length === 0, JSON.stringify(issues)).toBe(c.valid);
    expect(sortIssues(issues)).toEqual(sortIssues(runtimeIssues(name, c.data)));
    if (c.issuePath !== undefined) expect(issues.map((i) => i.path)).toContain(c.issuePath);
  });

  it('reports exactly the expected unknown properties (none on invalid documents)', () => {
    expect(unknownProperties(name, c.data).sort()).toEqual([...(c.unknown ?? [])].sort());
  });

  if (name === 'CreateRunRequest') {
    it('gets the expected 400/422 verdict', () => {
      expect(createRunRequestVerdict(c.data)).toBe(c.valid ? 'valid' : c.verdict);
      if (!c.valid) expect(c.verdict, 'invalid CreateRunRequest cases must name their verdict').toBeDefined();
    });
  }
});

describe('unknownProperties', () => {
  const T = 't-550e8400-e29b-41d4-a716-446655440000';
  const run = {
    id: 'r-7c9e6679-7425-40de-944b-e07fc1f90ae7', template_id: T, expires_in_hours: 2,
    created_at: '2025-03-01T12:00:00.000Z', expires_at: '2025-03-01T14:00:00.000Z',
  };
  const page = { total: 2, page: 1, per_page: 50, next_page: null };

  it('finds drift at every level of a list at once', () => {
    const doc = { data: [run, { ...run, region: 'eu' }], pagination: { ...page, cursor: 'c' }, meta: { v: 2 } };
    expect(validate('RunList', doc)).toEqual([]);
    expect(unknownProperties('RunList', doc).sort()).toEqual(['/data/1/region', '/meta', '/pagination/cursor']);
  });

  it('reports nothing on a clean document of every schema', () => {
    const clean: Record<SchemaName, unknown> = {
      Template: { id: T, name: 'n', created_at: run.created_at },
      Run: run,
      CreateRunRequest: { template_id: T },
      Error: { error: 'run_not_found', message: 'm' },
      Pagination: page,
      TemplateList: { data: [{ id: T, name: 'n', description: 'd', created_at: run.created_at }], pagination: page },
      RunList: { data: [run], pagination: page },
    };
    for (const name of schemaNames) {
      expect(validate(name, clean[name]), name).toEqual([]);
      expect(unknownProperties(name, clean[name]), name).toEqual([]);
    }
  });

  it('reports nothing on a document that is invalid in other ways, even with extra properties', () => {
    const doc = { data: [{ ...run, id: 'r-bad', region: 'eu' }], pagination: page };
    expect(validate('RunList', doc).map((i) => i.path)).toEqual(['/data/0/id']);
    expect(unknownProperties('RunList', doc)).toEqual([]);
  });
});

describe('validate', () => {
  it('refuses an unknown schema name instead of passing everything', () => {
    expect(() => validate('Org' as SchemaName, {})).toThrow(/unknown schema name/);
    expect(() => validate('toString' as SchemaName, {})).toThrow(/unknown schema name/);
    expect(() => unknownProperties('Org' as SchemaName, {})).toThrow(/unknown schema name/);
  });

  it('does not leak errors of one call into the next', () => {
    expect(validate('Error', { error: 'X' })).not.toEqual([]);
    expect(validate('Error', { error: 'x', message: 'm' })).toEqual([]);
  });
});
