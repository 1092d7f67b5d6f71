// npm run merge -- reports/a/*.summary.json reports/b/*.summary.json [--out reports/merged]
//
// Combines the per-instance summaries of a segmented k6 run (k6-operator `parallelism: N`, or
// `k6 run --execution-segment …` by hand) into one verdict per scenario: every threshold is
// re-evaluated on the combined values (lib/merge-summaries.ts says how, and which conservative
// bound a percentile was judged on). Writes <out>/<scenario>.summary.json and .junit.xml and
// prints one line per scenario. Exit 0 when every merged scenario passes, 1 when any fails, 2 on
// bad usage or an unreadable/invalid input file (a message naming the file, never a stack trace).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mergeSummaries, parseInstanceSummary, type InstanceInput } from '../lib/merge-summaries';
import { redactSecrets } from '../lib/redact';
import { parseCommand, renderHelp, usageLine, UsageError, type CommandSpec } from '../cli/args';

export const MERGE_COMMAND: CommandSpec = {
  name: 'merge',
  usage: 'npm run merge -- <instance summary.json>... [--out <dir>]',
  about:
    'Merges the <scenario>.summary.json files that several k6 instances (execution segments) wrote\n' +
    'into one verdict per scenario, re-evaluating every threshold on the combined values.',
  options: {
    out: { type: 'string', arg: '<dir>', help: 'where to write <scenario>.summary.json and <scenario>.junit.xml\n(default reports/merged)' },
  },
  positionals: true,
  examples: ['npm run merge -- reports/a/*.summary.json reports/b/*.summary.json --out reports/merged'],
  exit: '0 every merged scenario passes, 1 one fails, 2 bad usage or an unreadable input',
};

export const USAGE = renderHelp(MERGE_COMMAND).trimEnd();

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** A scenario name is used as a file name: refuse anything that could leave `--out`. */
function safeName(scenario: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(scenario);
}

export function runMerge(argv: string[], io: Io = processIo, now = new Date()): number {
  let files: string[];
  let outDir: string;
  try {
    const parsed = parseCommand(MERGE_COMMAND, argv);
    if (parsed.help) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    files = parsed.positionals;
    if (files.length === 0) throw new UsageError('no summary files given');
    outDir = parsed.string('out') ?? join('reports', 'merged');
    if (outDir === '') throw new UsageError('--out needs a directory');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(redactSecrets(usageLine(MERGE_COMMAND, err.message)));
    return 2;
  }

  const seen = new Map<string, string>();
  const inputs: InstanceInput[] = [];
  for (const file of files) {
    const abs = resolve(file);
    if (seen.has(abs)) {
      io.err(`merge: ${file} is given twice (as ${seen.get(abs)} too): each instance must count once\n`);
      return 2;
    }
    seen.set(abs, file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
      io.err(`merge: cannot read ${file}: ${why}\n`);
      return 2;
    }
    try {
      const summary = parseInstanceSummary(text, file);
      if (!safeName(summary.scenario)) {
        io.err(`merge: ${file}: scenario name '${redactSecrets(summary.scenario)}' cannot be used as a file name\n`);
        return 2;
      }
      inputs.push({ file, summary });
    } catch (err) {
      io.err(`merge: ${redactSecrets((err as Error).message)}\n`);
      return 2;
    }
  }

  const merged = mergeSummaries(inputs, now);
  try {
    mkdirSync(outDir, { recursive: true });
    for (const m of merged) {
      writeFileSync(join(outDir, `${m.scenario}.summary.json`), m.summaryJson);
      writeFileSync(join(outDir, `${m.scenario}.junit.xml`), m.junitXml);
    }
  } catch (err) {
    io.err(`merge: cannot write to ${outDir}: ${(err as Error).message}\n`);
    return 2;
  }
  for (const m of merged) io.out(m.text);
  io.out(`reports in ${outDir}/ (${merged.map((m) => m.scenario).join(', ')})\n`);
  return merged.every((m) => m.pass) ? 0 : 1;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  try {
    process.exitCode = runMerge(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`merge failed: ${redactSecrets((err as Error).message)}\n`);
    process.exitCode = 2;
  }
}
