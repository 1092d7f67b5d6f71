// Writes the three report files and returns their paths.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceReport } from './build';
import { renderJson, renderJUnit, renderMarkdown, scrub } from './render';

export function writeReports(report: ConformanceReport, dir: string, keys: string[]): string[] {
  mkdirSync(dir, { recursive: true });
  const files: Array<[string, string]> = [
    ['conformance.json', renderJson(report)],
    ['conformance.junit.xml', renderJUnit(report)],
    ['conformance.md', renderMarkdown(report)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, scrub(text, keys));
    return path;
  });
}
