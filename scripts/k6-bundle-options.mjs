// esbuild options for k6 bundles, shared by the build and by the bundle tests.
// k6 runs browser-like ES modules in its own engine (Sobek): no Node built-ins, no npm
// resolution, no remote imports. So: bundle everything ourselves, leave k6's own modules
// external, keep the output readable (no minify) and ship source maps so k6 stack traces
// point at the TypeScript.
import { join } from 'node:path';

export function k6BundleOptions(root, entryPoints) {
  return {
    absWorkingDir: root,
    entryPoints,
    outdir: join(root, 'dist'),
    bundle: true,
    format: 'esm',
    platform: 'browser', // no Node built-ins may sneak in
    target: 'es2022',
    external: ['k6', 'k6/*'],
    sourcemap: true,
    minify: false,
    metafile: true, // the bundle tests read the import list from here
    logLevel: 'warning',
  };
}
