// "Keys never in full", on the whole demo: `npm start` (build/scripts/main.js) against the
// simulator, reports into a temp dir. Every key the simulator was shown is captured where it
// arrives (capture-keys.mjs), then every report file and all of stdout/stderr are scanned for
// those keys, fragments of them, escaped or base64 forms, and for any rdk_live_ not in the
// redacted form. The scanner is proven on planted leaks first (key-scan.test.ts, and below).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactKey } from '../../lib/redact';
import { findKeyLeaks, findUnredacted } from './key-scan';

const ROOT = join(__dirname, '../..');
const MAIN = join(ROOT, 'build/scripts/main.js');
const work = mkdtempSync(join(tmpdir(), 'rundun-demo-keys-'));
const reportDir = join(work, 'reports');
const captureFile = join(work, 'keys.txt');
let out = { code: -1 as number | null, stdout: '', stderr: '' };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run -s build\` first`);
  out = await new Promise((resolve) => {
    // Run from the temp dir with a relative report dir: main joins RUNDUN_REPORT_DIR onto its
    // working directory, so an absolute one would not work for every report it writes.
    const child = spawn(process.execPath, [MAIN], {
      cwd: work,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NO_COLOR: '1',
        K6_BIN: join(work, 'no-k6-here'), // step 2 needs k6, which this machine does not have
        RUNDUN_REPORT_DIR: 'reports',
        HARNESS_TEST_KEY_CAPTURE: captureFile,
        NODE_OPTIONS: `--import=${pathToFileURL(join(__dirname, 'capture-keys.mjs')).href}`,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 280_000);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const keys = () => (existsSync(captureFile) ? readFileSync(captureFile, 'utf8').split('\n').filter(Boolean) : []);
const outputs = () => [
  ...filesUnder(reportDir).map((f) => [f.slice(work.length + 1), readFileSync(f, 'utf8')] as const),
  ['stdout', out.stdout] as const,
  ['stderr', out.stderr] as const,
];

describe('the demo against the simulator never writes a key in full', () => {
  it('ran, wrote its reports, and the simulator was shown the fixture keys', () => {
    expect(out.code, out.stderr.slice(-2000)).toBe(0);
    expect(filesUnder(reportDir).map((f) => f.slice(reportDir.length + 1))).toEqual(expect.arrayContaining(['conformance.md', 'conformance.json', 'conformance.junit.xml']));
    // primary, secondary, other_org, exhausted, revoked, ratelimit and the never-issued key.
    expect(keys().length).toBeGreaterThanOrEqual(7);
  });

  it('no report file and no line of stdout/stderr holds a key, a piece of one, or an escaped form', () => {
    const found = outputs().flatMap(([name, text]) => findKeyLeaks(text, keys()).map((l) => `${name}@${l.at}: ${l.what}`));
    expect(found).toEqual([]);
  });

  it('every rdk_live_ in them is in the redacted form, and the fixture keys do appear so', () => {
    const found = outputs().flatMap(([name, text]) => findUnredacted(text).map((l) => `${name}@${l.at}: ${l.what}`));
    expect(found).toEqual([]);
    const md = readFileSync(join(reportDir, 'conformance.md'), 'utf8');
    const shown = keys().filter((k) => md.includes(redactKey(k)));
    expect(shown.length).toBeGreaterThanOrEqual(6);
  });

  it('the scan would have caught a leak in this very output (planted)', () => {
    const [key] = keys();
    const text = readFileSync(join(reportDir, 'conformance.json'), 'utf8');
    const planted = `${text}\n${JSON.stringify({ echo: key!.slice(15, 25) })}`;
    expect(findKeyLeaks(text, keys())).toEqual([]);
    expect(findKeyLeaks(planted, keys()).map((l) => l.what)).toContainEqual(expect.stringMatching(/piece/));
  });
});
