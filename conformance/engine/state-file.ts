// The record of short-lived runs the suite created, kept between suite runs (RUNDUN_STATE_FILE,
// default .rundun-state/runs.json), so a later run can check that they answer 410 once expired:
// 410 verified on staging without waiting an hour inside one run. Each record holds the run id,
// its timestamps, the target's base URL and the key ROLE that created it, never the key.
// A corrupt or unreadable file is set aside (renamed) with a message, never overwritten.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isId } from '../../lib/checks';

export interface RecordedRun {
  id: string;
  base_url: string;
  key_role: string;
  /** The key that created it, as its redacted form (rdk_live_…last four): a later run with another
   * key (another org's, a rotated one) cannot read it, so the record is not comparable. */
  key_hint?: string;
  created_at: string;
  expires_at: string;
}

interface StateDoc {
  version: 1;
  runs: RecordedRun[];
}

/** Records kept at most (oldest dropped first), so the file stays small whatever happens. */
export const MAX_RECORDS = 200;

/** The file operations the ledger uses; tests pass failing ones. */
export interface StateFs {
  read(path: string): string;
  write(path: string, text: string): void;
  rename(from: string, to: string): void;
}

export const nodeStateFs: StateFs = {
  read: (p) => readFileSync(p, 'utf8'),
  write(p, text) {
    mkdirSync(dirname(p), { recursive: true });
    const tmp = `${p}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    renameSync(tmp, p); // atomic: a crash mid-write leaves the old file whole
  },
  rename: (from, to) => renameSync(from, to),
};

const isTime = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** Why a parsed document is not a state file, or null when it is one. */
export function stateProblem(doc: unknown): string | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'not a JSON object';
  const d = doc as Partial<StateDoc>;
  if (d.version !== 1) return `version ${JSON.stringify(d.version)}, expected 1`;
  if (!Array.isArray(d.runs)) return "no 'runs' array";
  const bad = d.runs.findIndex(
    (r) => typeof r !== 'object' || r === null || !isId('run', r.id) || typeof r.base_url !== 'string' || typeof r.key_role !== 'string' || (r.key_hint !== undefined && typeof r.key_hint !== 'string') || !isTime(r.created_at) || !isTime(r.expires_at),
  );
  return bad === -1 ? null : `runs[${bad}] is not a recorded run (id r-<uuid>, base_url, key_role, created_at, expires_at)`;
}

export class RunLedger {
  private runs: RecordedRun[] = [];
  /** Changed since loaded: only then is the file written. */
  private dirty = false;
  /** Set when the file could not be used: said in the report. */
  readonly problem?: string;
  /** False when an unusable file could not be set aside: then it is never written over. */
  readonly writable: boolean = true;

  /** Loads `path` (a missing file is an empty ledger). `now` names a set-aside file. */
  constructor(readonly path: string, private readonly fs: StateFs = nodeStateFs, now: () => Date = () => new Date()) {
    let text: string;
    try {
      text = fs.read(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      ({ problem: this.problem, writable: this.writable } = this.setAside(`cannot be read (${code ?? (e as Error).message})`, now));
      return;
    }
    let doc: unknown;
    let why: string | null;
    try {
      doc = JSON.parse(text);
      why = stateProblem(doc);
    } catch (e) {
      why = `is not valid JSON (${(e as Error).message})`;
    }
    if (why === null) this.runs = (doc as StateDoc).runs;
    else ({ problem: this.problem, writable: this.writable } = this.setAside(why.startsWith('is not') ? why : `is not a state file: ${why}`, now));
  }

  private setAside(why: string, now: () => Date): { problem: string; writable: boolean } {
    const aside = `${this.path}.unusable-${now().toISOString().replace(/[:.]/g, '-')}`;
    try {
      this.fs.rename(this.path, aside);
      return { problem: `state file ${this.path} ${why}: kept as ${aside}, starting a new one`, writable: true };
    } catch (e) {
      return { problem: `state file ${this.path} ${why}, and it could not be set aside (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): left as it is, nothing recorded this run`, writable: false };
    }
  }

  /** The records of one target (base URL), oldest first. */
  runsFor(baseUrl: string): RecordedRun[] {
    return this.runs.filter((r) => r.base_url === baseUrl);
  }

  record(run: RecordedRun): void {
    this.runs = [...this.runs.filter((r) => r.id !== run.id || r.base_url !== run.base_url), run].slice(-MAX_RECORDS);
    this.dirty = true;
  }

  drop(baseUrl: string, id: string): void {
    const before = this.runs.length;
    this.runs = this.runs.filter((r) => r.id !== id || r.base_url !== baseUrl);
    this.dirty ||= this.runs.length !== before;
  }

  /** Writes the records back; false when the file is left alone (an unusable one not set aside). */
  save(): boolean {
    if (!this.writable) return false;
    if (!this.dirty) return true;
    this.dirty = false;
    this.fs.write(this.path, `${JSON.stringify({ version: 1, runs: this.runs } satisfies StateDoc, null, 2)}\n`);
    return true;
  }
}
