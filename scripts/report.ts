// npm run report — reads reports/*.json (whatever is there: conformance.json and the k6
// scenarios' <scenario>.summary.json) and writes reports/index.html, one self-contained page.
//   npm run report [-- --dir <reports dir>]   (default: RUNDUN_REPORT_DIR, else reports)
import { existsSync } from 'node:fs';
import { findK6 } from './lib/k6';
import { writeHtmlReport } from '../lib/report-html/write';

function main(argv: string[]): number {
  let dir = process.env.RUNDUN_REPORT_DIR || 'reports';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir' && argv[i + 1]) dir = argv[++i] as string;
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run report [-- --dir <reports dir>]  (writes <dir>/index.html from <dir>/*.json)');
      return 0;
    } else {
      console.error(`report: unknown argument '${a}' (usage: npm run report [-- --dir <reports dir>])`);
      return 2;
    }
  }
  if (!existsSync(dir)) {
    console.error(`report: no directory ${dir}: run npm start (or the suite and the k6 scenarios) first`);
    return 2;
  }
  const k6 = findK6();
  const path = writeHtmlReport(dir, 'missing' in k6 ? { k6Missing: k6.missing } : {});
  console.log(`HTML report: ${path}`);
  return 0;
}

process.exit(main(process.argv.slice(2)));
