// Ids: "t-"/"r-" + lowercase UUID in the version-4 layout. Seeded templates get reproducible
// ids (SHA-256 of seed and position); runs get crypto.randomUUID().
import { createHash, randomUUID } from 'node:crypto';

import { ID_PATTERNS } from '../lib/checks/ids';

// The one id pattern table (read from the schemas): the simulator parses ids with the same rule the checks judge them by.
export const TEMPLATE_ID_PATTERN = ID_PATTERNS.template;

export function seededUuid(seed: string): string {
  const b = createHash('sha256').update(seed).digest();
  b[6] = ((b[6] as number) & 0x0f) | 0x40; // version 4
  b[8] = ((b[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function newRunId(): string {
  return `r-${randomUUID()}`;
}
