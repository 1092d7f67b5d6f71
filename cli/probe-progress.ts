// A vitest reporter for the conformance suite: one line per probe as it finishes, with its time
// ("✓ auth.missing-header 41 ms [3/40]"), so a long run shows where it is. The suite names each
// test "<probe id>: <title> [<rules>]" (conformance/suite.test.ts); the id is what is printed.
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { probeLine } from './progress';

export class ProbeProgressReporter implements Reporter {
  private done = 0;
  private total = 0;

  constructor(private readonly write: (line: string) => void = (l) => void process.stdout.write(`${l}\n`)) {}

  onTestModuleCollected(m: TestModule): void {
    this.total += [...m.children.allTests()].length;
  }

  onTestCaseResult(test: TestCase): void {
    const r = test.result();
    this.done++;
    const cut = test.name.indexOf(': ');
    this.write(
      probeLine({
        state: r.state,
        id: cut === -1 ? test.name : test.name.slice(0, cut),
        ms: test.diagnostic()?.duration ?? 0,
        ...(r.state === 'skipped' && r.note ? { note: r.note } : {}),
        index: this.done,
        total: this.total,
      }),
    );
  }
}
