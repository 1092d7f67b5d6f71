// Finding and running the user's own k6 (the project never installs or builds it).
import { spawn, spawnSync } from 'node:child_process';

export const K6_INSTALL_URL = 'https://grafana.com/docs/k6/latest/set-up/install-k6/';

export interface K6 {
  bin: string;
  version: string;
}

/** K6_BIN, else `k6` on PATH; null with the reason when there is none. */
export function findK6(env: Record<string, string | undefined> = process.env): K6 | { missing: string } {
  const bin = env.K6_BIN || 'k6';
  const r = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0)
    return { missing: env.K6_BIN ? `K6_BIN=${env.K6_BIN} does not run (${r.error?.message ?? `exit ${r.status}`})` : 'k6 is not on PATH (set K6_BIN to use one elsewhere)' };
  return { bin, version: r.stdout.trim().split('\n')[0] ?? 'k6' };
}

export interface K6Run {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** The `k6 run` arguments: -e variables, extra flags, the script; --quiet unless k6 shows its progress. */
export function k6RunArgs(script: string, vars: Record<string, string>, opts: { extraArgs?: string[]; progress?: boolean } = {}): string[] {
  return ['run', ...(opts.progress ? [] : ['--quiet']), ...Object.entries(vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]), ...(opts.extraArgs ?? []), script];
}

/**
 * Runs `k6 run` with -e variables; bounded by a hard timeout so a stuck run cannot hang us.
 * `progress`: k6 writes its progress bars and summary straight to our stdout and stderr (so it
 * sees the terminal and draws them as it would alone); stdout and stderr are then not captured
 * (''), which is fine for callers that read only the exit code and the report files.
 */
export function runK6(
  k6: K6,
  script: string,
  vars: Record<string, string>,
  opts: { timeoutMs: number; extraArgs?: string[]; cwd?: string; echo?: boolean; progress?: boolean },
): Promise<K6Run> {
  const args = k6RunArgs(script, vars, opts);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(k6.bin, args, {
      cwd: opts.cwd,
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true', K6_WEB_DASHBOARD_PORT: '-1' },
      stdio: opts.progress ? ['ignore', 'inherit', 'inherit'] : ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d;
      if (opts.echo) process.stdout.write(d);
    });
    child.stderr?.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr, durationMs: Date.now() - started });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ exitCode: 127, stdout, stderr: `${stderr}${e.message}`, durationMs: Date.now() - started });
    });
  });
}

/** k6's documented exit codes, for one-line verdicts. */
export function explainK6Exit(code: number): string {
  return (
    { 0: 'all thresholds held', 99: 'thresholds crossed (a rule was broken)', 107: 'script error', 108: 'aborted by the script', 110: 'failed by the script (exec.test.fail)' }[code] ??
    `exit ${code}`
  );
}
