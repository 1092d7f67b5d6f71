// Bundles schemas/openapi.json and the schema files it references (schemas/*.schema.json) into
// ONE self-contained document, schemas/openapi.bundled.json, for tools that want a single file
// (Schemathesis, Prism, code generators). Every external $ref becomes an internal
// #/components/schemas/<Name> one; the inlined schemas lose $id and $schema (an $id would move
// the base URI of the refs inside them away from this document). Its servers are the simulator
// on loopback and a staging placeholder, never production: the tools pointed at it send load.
// Run by scripts/build.mjs; the file is committed, and a test checks it matches its sources.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiSchemaFiles } from './build-validators.mjs';

export const BUNDLED_OPENAPI = 'schemas/openapi.bundled.json';

/** The simulator's port has no fixed default (--port 0 picks a free one): 4010 is the one the README uses. */
export const BUNDLE_SERVERS = Object.freeze([
  {
    url: 'http://127.0.0.1:{port}/v1',
    description:
      'The rundun simulator on loopback: npm run sim -- --port 4010 (its default, --port 0, picks a free port and prints the base URL; set the port variable to match).',
    variables: { port: { default: '4010', description: "The simulator's --port." } },
  },
  {
    url: 'https://staging.example.invalid/v1',
    description: 'Placeholder: replace with your staging deployment of the Rundun API before pointing a tool at it (never production).',
  },
]);

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "run.schema.json" (from file `from`) -> "#/components/schemas/Run"; "#/$defs/x" inside a file -> under its component. */
function internalRef(ref, from, nameOf) {
  const hash = ref.indexOf('#');
  const file = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? '' : ref.slice(hash + 1);
  const target = file === '' ? from : file;
  const name = nameOf.get(target);
  if (name === undefined) throw new Error(`openapi bundle: ${from ?? 'openapi.json'} refers to ${ref}, which is not one of the API schema files`);
  if (fragment !== '' && !fragment.startsWith('/')) throw new Error(`openapi bundle: ${ref} in ${from}: only JSON-pointer fragments can be bundled`);
  return `#/components/schemas/${name}${fragment}`;
}

/** A deep copy with every $ref rewritten by `rewrite` (only string $refs; other keys as they are). */
function rewriteRefs(node, rewrite) {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, rewrite));
  if (!isObject(node)) return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' ? rewrite(v) : rewriteRefs(v, rewrite);
  return out;
}

/** Every $ref in a document that is not internal ("#..."): [] for a bundle. */
export function externalRefs(node, path = '#') {
  if (Array.isArray(node)) return node.flatMap((n, i) => externalRefs(n, `${path}/${i}`));
  if (!isObject(node)) return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' && !v.startsWith('#') ? [`${path}: ${v}`] : externalRefs(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
  );
}

/** The bundled document, built from the files under root/schemas. */
export function bundleOpenApi(root) {
  const read = (file) => JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'));
  const doc = read('openapi.json');
  const nameOf = new Map(Object.entries(apiSchemaFiles).map(([name, file]) => [file, name]));
  const schemas = {};
  for (const [name, ref] of Object.entries(doc.components?.schemas ?? {})) {
    const file = isObject(ref) && typeof ref.$ref === 'string' ? ref.$ref : undefined;
    if (file === undefined || file.startsWith('#')) {
      schemas[name] = rewriteRefs(ref, (r) => (r.startsWith('#') ? r : internalRef(r, undefined, nameOf)));
      continue;
    }
    if (nameOf.get(file) !== name) throw new Error(`openapi bundle: components.schemas.${name} refers to ${file}, expected ${apiSchemaFiles[name] ?? 'an API schema file of that name'}`);
    const { $id: _id, $schema: _dialect, ...schema } = read(file);
    schemas[name] = rewriteRefs(schema, (r) => internalRef(r, file, nameOf));
  }
  const rest = rewriteRefs({ ...doc, components: { ...doc.components, schemas: undefined } }, (r) => (r.startsWith('#') ? r : internalRef(r, undefined, nameOf)));
  const bundled = {
    ...rest,
    info: {
      ...doc.info,
      description: `${doc.info?.description ?? ''}\n\nBundled from schemas/openapi.json and schemas/*.schema.json by scripts/build-openapi.mjs (npm run build): edit those, not this file.`.trim(),
    },
    servers: BUNDLE_SERVERS,
    components: { ...rest.components, schemas },
  };
  const left = externalRefs(bundled);
  if (left.length) throw new Error(`openapi bundle: external $ref left: ${left.join(', ')}`);
  return bundled;
}

export const renderBundledOpenApi = (root) => `${JSON.stringify(bundleOpenApi(root), null, 2)}\n`;

/** Writes schemas/openapi.bundled.json (only when it changed, so a build leaves git and mtimes alone). */
export function writeBundledOpenApi(root) {
  const file = join(root, BUNDLED_OPENAPI);
  const text = renderBundledOpenApi(root);
  let old = null;
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    // first build
  }
  if (old !== text) writeFileSync(file, text);
  return { file, changed: old !== text };
}
