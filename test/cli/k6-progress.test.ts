// npm start shows k6's own progress: runK6 with `progress` drops --quiet and hands k6 our stdout
// and stderr (so k6 sees the terminal), while the default still captures both. A stand-in k6 (a
// shell script) echoes its arguments on stdout and a progress line on stderr, then exits 99.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { k6RunArgs, runK6 } from '../../cli/k6';

let dir: string;
let fakeK6: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rundun-k6-progress-'));
  fakeK6 = join(dir, 'k6');
  writeFileSync(fakeK6, '#!/bin/sh\necho "args: $*"\necho "running (00m01.0s), 1/1 VUs, 10 complete and 0 interrupted iterations" >&2\nexit 99\n');
  chmodSync(fakeK6, 0o755);
  // The module bundled for a child process, whose stdout/stderr show what k6 wrote through it.
  await build({ absWorkingDir: join(import.meta.dirname, '../..'), entryPoints: ['cli/k6.ts'], outfile: join(dir, 'k6-lib.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'silent' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('k6 progress', () => {
  it('--quiet only when k6 does not show its progress', () => {
    expect(k6RunArgs('s.js', { A: '1' })).toEqual(['run', '--quiet', '-e', 'A=1', 's.js']);
    expect(k6RunArgs('s.js', { A: '1' }, { progress: true, extraArgs: ['--vus', '2'] })).toEqual(['run', '-e', 'A=1', '--vus', '2', 's.js']);
  });

  it('by default captures stdout and stderr and keeps the exit code', async () => {
    const r = await runK6({ bin: fakeK6, version: 'fake' }, 's.js', { A: '1' }, { timeoutMs: 10_000 });
    expect(r.exitCode).toBe(99);
    expect(r.stdout).toBe('args: run --quiet -e A=1 s.js\n');
    expect(r.stderr).toMatch(/^running \(00m01\.0s\)/);
  });

  it("with progress, k6's stdout and stderr go straight to ours, and the exit code is still kept", () => {
    const script = `import { runK6 } from './k6-lib.mjs';
const r = await runK6({ bin: ${JSON.stringify(fakeK6)}, version: 'fake' }, 's.js', { A: '1' }, { timeoutMs: 10000, progress: true });
console.log('result ' + JSON.stringify(r));`;
    writeFileSync(join(dir, 'child.mjs'), script);
    const child = spawnSync(process.execPath, [join(dir, 'child.mjs')], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stdout).toContain('args: run -e A=1 s.js\n');
    expect(child.stderr).toMatch(/^running \(00m01\.0s\), 1\/1 VUs/);
    const result = JSON.parse(/^result (.*)$/m.exec(child.stdout)?.[1] ?? 'null');
    expect(result).toMatchObject({ exitCode: 99, stdout: '', stderr: '' });
  });
});
