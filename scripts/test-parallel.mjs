// `npm test`'s runner: the two vitest projects of vitest.config.ts ('unit' and 'emulated') as
// two vitest processes side by side, one per core. Vitest shares one worker queue between the
// projects of one process, so with two workers it would run two wall-clock-paced emulated files
// at once; two processes of one worker each never do. Output lines are prefixed with the
// project; the two JSON results are merged into one file (--json <file>) and the run ends with
// the plain totals line. Exit: 0 when both passed, 1 otherwise, 2 on a usage error.
//
//   node scripts/test-parallel.mjs [--json <file>] [vitest filters and options...]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeResults } from './test-results.mjs';

const PROJECTS = ['unit', 'emulated'];

function usage(code) {
  (code === 0 ? console.log : console.error)(
    'usage: node scripts/test-parallel.mjs [--json <file>] [vitest filters and options...]\n' +
      "Runs vitest's 'unit' and 'emulated' projects as two processes side by side and merges their results.",
  );
  process.exit(code);
}

const args = process.argv.slice(2);
let jsonOut = null;
const passThrough = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--help' || a === '-h') usage(0);
  else if (a === '--json') {
    jsonOut = args[++i];
    if (!jsonOut || jsonOut.startsWith('-')) usage(2);
  } else if (a.startsWith('--json=')) jsonOut = a.slice('--json='.length);
  else if (a === '--reporter' || a === '--outputFile' || a.startsWith('--outputFile.')) {
    // This runner owns the reporters; the value of the space-separated form goes too, or it
    // would be taken for a file filter (and match nothing).
    if (!a.includes('=')) i++;
  } else if (a.startsWith('--reporter=') || a.startsWith('--outputFile')) continue;
  else passThrough.push(a);
}

const vitest = join('node_modules', 'vitest', 'vitest.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'rundun-vitest-'));

function runProject(name) {
  const out = join(tmp, `${name}.json`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', '--project', name, '--passWithNoTests', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...passThrough], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
    });
    const prefix = (stream, sink) => {
      let rest = '';
      stream.setEncoding('utf8'); // a multi-byte character split across two chunks stays whole
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) sink.write(`[${name}] ${l}\n`);
      });
      stream.on('end', () => rest && sink.write(`[${name}] ${rest}\n`));
    };
    prefix(child.stdout, process.stdout);
    prefix(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ name, code: code ?? 1, out }));
  });
}

const runs = await Promise.all(PROJECTS.map(runProject));
const merged = mergeResults(runs.map((r) => ({ name: r.name, code: r.code, json: existsSync(r.out) ? JSON.parse(readFileSync(r.out, 'utf8')) : null })));
rmSync(tmp, { recursive: true, force: true });
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(merged));
for (const r of runs) console.log(`project ${r.name}: exit ${r.code}`);
for (const p of merged.problems) console.log(`counted as failed: ${p}`);
const skipped = merged.numPendingTests + merged.numTodoTests;
console.log(`${merged.numPassedTests} passed, ${merged.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(merged.success ? 0 : 1);
