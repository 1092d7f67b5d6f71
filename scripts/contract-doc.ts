// npm run contract:doc — rewrites schemas/CONTRACT.md from schemas/contract.json.
import { writeFileSync } from 'node:fs';
import { renderContractMarkdown } from '../lib/contract-doc';
import { parseOrExit, type CommandSpec } from '../cli/args';

const CONTRACT_DOC_COMMAND: CommandSpec = {
  name: 'contract:doc',
  usage: 'npm run contract:doc',
  about: 'Rewrites schemas/CONTRACT.md from schemas/contract.json (the rules the harness enforces).',
  options: {},
  examples: ['npm run contract:doc && git diff --stat schemas/CONTRACT.md'],
  exit: '0 written, 1 could not write, 2 bad usage',
};

parseOrExit(CONTRACT_DOC_COMMAND, process.argv.slice(2), () => undefined);
writeFileSync(new URL('../../schemas/CONTRACT.md', import.meta.url), renderContractMarkdown());
console.log('wrote schemas/CONTRACT.md');
