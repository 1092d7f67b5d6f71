// npm run report — reads reports/*.json (whatever is there: conformance.json and the k6
// scenarios' <scenario>.summary.json) and writes reports/index.html, one self-contained page.
//   npm run report [-- --dir <reports dir>]   (default: RUNDUN_REPORT_DIR, else reports)
import { existsSync } from 'node:fs';
import { findK6 } from '../cli/k6';
import { parseOrExit, UsageError, type CommandSpec } from '../cli/args';
import { keysFromEnvironment, writeHtmlReport } from '../html-report/write';

const REPORT_COMMAND: CommandSpec = {
  name: 'report',
  usage: 'npm run report [-- --dir <reports dir>]',
  about: 'Writes <dir>/index.html, one self-contained page, from <dir>/conformance.json and the k6\nscenarios\' <scenario>.summary.json (whatever is there; missing parts say why).',
  options: { dir: { type: 'string', arg: '<dir>', help: 'the reports folder (default: RUNDUN_REPORT_DIR, else reports)' } },
  env: [['RUNDUN_REPORT_DIR', 'the reports folder when --dir is not given']],
  examples: ['npm run report', 'npm run report -- --dir /tmp/merged'],
  exit: '0 written, 2 bad usage or no reports folder',
};

function main(argv: string[]): number {
  const dir = parseOrExit(REPORT_COMMAND, argv, (p) => {
    const d = p.string('dir');
    if (d === '') throw new UsageError('--dir needs a directory');
    return d ?? (process.env.RUNDUN_REPORT_DIR || 'reports');
  });
  if (!existsSync(dir)) {
    console.error(`report: no directory ${dir}: run npm start (or the suite and the k6 scenarios) first`);
    return 2;
  }
  const k6 = findK6();
  const path = writeHtmlReport(dir, { keys: keysFromEnvironment(), ...('missing' in k6 ? { k6Missing: k6.missing } : {}) });
  console.log(`HTML report: ${path}`);
  return 0;
}

process.exit(main(process.argv.slice(2)));
