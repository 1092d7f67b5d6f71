// npm run contract:doc — rewrites schemas/CONTRACT.md from schemas/contract.json.
import { writeFileSync } from 'node:fs';
import { renderContractMarkdown } from '../lib/contract-doc';

writeFileSync(new URL('../../schemas/CONTRACT.md', import.meta.url), renderContractMarkdown());
console.log('wrote schemas/CONTRACT.md');
