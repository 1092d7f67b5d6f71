// One build for the whole project, in three steps:
//   1. lib/generated/validators.js: ajv standalone validators, generated from schemas/ (one ES
//      module used by Node code and k6 bundles alike), and lib/generated/rule-ids.ts, the
//      RuleId union of the contract's rule ids.
//   2. build/: the Node entry points (simulator CLI, main job, benchmarks) bundled with esbuild,
//      because Node 20 cannot run TypeScript by itself. npm packages stay external.
//   3. dist/<scenario>.js: one k6 bundle per scenarios/*.ts entry.
import { build } from 'esbuild';
import { readdirSync, existsSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildValidators } from './build-validators.mjs';
import { writeBundledOpenApi } from './build-openapi.mjs';
import { buildRuleIds } from './build-rule-ids.mjs';
import { k6BundleOptions } from './k6-bundle-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsEntries = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
        .map((f) => join(dir, f))
    : [];

async function main() {
  const started = Date.now();
  await buildValidators(root);
  writeBundledOpenApi(root); // schemas/openapi.bundled.json: one file for Schemathesis, Prism and the like
  buildRuleIds(root);

  const nodeEntries = [...tsEntries('scripts'), 'simulator/cli.ts'].filter((f) => existsSync(join(root, f)));
  rmSync(join(root, 'build'), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: nodeEntries,
    outdir: 'build',
    outbase: '.',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external', // resolved from node_modules at run time
    sourcemap: true,
    logLevel: 'warning',
  });

  const scenarioEntries = tsEntries('scenarios');
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  if (scenarioEntries.length > 0) await build(k6BundleOptions(root, scenarioEntries));

  console.log(
    `build: validators, ${nodeEntries.length} node entries, ${scenarioEntries.length} k6 bundles in ${Date.now() - started} ms`,
  );
}

main().catch((err) => {
  console.error(`build failed: ${err?.message ?? err}`);
  process.exit(1);
});
