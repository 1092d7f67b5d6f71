// Bundles one Node entry point (a CLI) into a private temp folder for a test to spawn, with the
// build's Node options (scripts/build.mjs): tests never race `npm run build` over build/.
import { build } from 'esbuild';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Writes `<dir>/<name>` from the entry (a path relative to the project) and returns its path. */
export async function buildEntry(entry: string, dir: string, name: string): Promise<string> {
  const outfile = join(dir, name);
  await build({ absWorkingDir: ROOT, entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
  return outfile;
}
