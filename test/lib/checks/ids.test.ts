// One id table: the schemas' own patterns, and what malformedIds reports from a body.
import { describe, expect, it } from 'vitest';
import { ID_PATTERNS, isId, malformedIds } from '../../../lib/checks';
import templateSchema from '../../../schemas/template.schema.json';
import runSchema from '../../../schemas/run.schema.json';
import { TEMPLATE_ID_PATTERN } from '../../../simulator/ids';
import { RUN_ID, TEMPLATE_ID } from './support';

describe('ID_PATTERNS', () => {
  it('are the schemas\' patterns (and the simulator mints ids of the same shape)', () => {
    expect(ID_PATTERNS.template.source).toBe(templateSchema.properties.id.pattern);
    expect(ID_PATTERNS.run.source).toBe(runSchema.properties.id.pattern);
    expect(runSchema.properties.template_id.pattern).toBe(templateSchema.properties.id.pattern);
    expect(TEMPLATE_ID_PATTERN.source).toBe(ID_PATTERNS.template.source);
  });

  it.each<[string, 'template' | 'run', unknown, boolean]>([
    ['a template id', 'template', TEMPLATE_ID, true],
    ['a run id as a template id', 'template', RUN_ID, false],
    ['upper-case hex', 'template', TEMPLATE_ID.toUpperCase().replace('T-', 't-'), false],
    ['no prefix', 'run', RUN_ID.slice(2), false],
    ['a number', 'run', 42, false],
  ])('%s', (_, kind, id, ok) => {
    expect(isId(kind, id)).toBe(ok);
  });
});

describe('malformedIds', () => {
  it.each<[string, string, unknown, string[]]>([
    ['a good run', 'Run', { id: RUN_ID, template_id: TEMPLATE_ID }, []],
    ['a run with a bad template_id', 'Run', { id: RUN_ID, template_id: 't-1' }, ["/template_id 't-1'"]],
    ['a list with one bad id', 'TemplateList', { data: [{ id: TEMPLATE_ID }, { id: 'x' }] }, ["/data/1/id 'x'"]],
    ['a missing id is the envelope check\'s', 'Template', { name: 'n' }, []],
    ['not a list', 'RunList', { data: 'nope' }, []],
    ['an error schema has no ids', 'Error', { error: 'x' }, []],
  ])('%s', (_, schema, body, bad) => {
    expect(malformedIds(schema, body)).toEqual(bad);
  });
});
