// `npm run conformance` as built (build/scripts/conformance.js): the suite prints one line per
// probe as it finishes, with its time and a running count, and the exit status is the suite's:
// 0 on the clean in-process simulator, 1 when a probe catches a fault (RUNDUN_SIM_FAULTS).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const entry = join(root, 'build/scripts/conformance.js');
const reports = mkdtempSync(join(tmpdir(), 'rundun-conformance-entry-'));
afterAll(() => rmSync(reports, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  if (!existsSync(entry)) throw new Error(`${entry} is not built (run npm run -s build first)`);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RUNDUN_') && k !== 'VITEST' && k !== 'VITEST_POOL_ID' && k !== 'VITEST_WORKER_ID'));
  const r = spawnSync(process.execPath, [entry, '--report-dir', reports, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...base, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run conformance', () => {
  it('prints each probe as it finishes ("✓ <id> <n> ms [i/N]") and exits 0 on the clean simulator', () => {
    const r = run(['--probes', 'auth.missing-header,auth.other-scheme']);
    expect(r.stdout).toMatch(/^✓ auth\.missing-header \d+ ms \[1\/2\]$/m);
    expect(r.stdout).toMatch(/^✓ auth\.other-scheme \d+ ms \[2\/2\]$/m);
    expect(r.code).toBe(0);
    expect(existsSync(join(reports, 'conformance.json'))).toBe(true);
  }, 120_000);

  it('marks the probe that catches a fault and exits 1', () => {
    const r = run(['--probes', 'auth.revoked-key'], { RUNDUN_SIM_FAULTS: 'auth.revoked-accepted' });
    expect(r.stdout).toMatch(/^✗ auth\.revoked-key \d+ ms FAILED \[1\/1\]$/m);
    expect(r.code).toBe(1);
  }, 120_000);
});
