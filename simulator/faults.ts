// Fault switches. The catalogue comes later; for now each pipeline stage can ask
// `faults.has(name)`. FailNext is the one admin-driven fault: the next N /v1 requests (for one
// path, or any) that pass rate limiting and auth answer 500.

export interface Faults {
  has(name: string): boolean;
  list(): string[];
}

export function createFaults(names: readonly string[] = []): Faults {
  const set = new Set(names);
  return { has: (name) => set.has(name), list: () => [...set] };
}

interface Pending {
  path: string | null; // null: any /v1 request
  remaining: number;
}

export class FailNext {
  private pending: Pending[] = [];

  arm(count: number, path: string | null): void {
    this.pending.push({ path, remaining: count });
  }

  /** True (and one unit consumed) when this request must fail. Cheap when nothing is armed. */
  consume(path: string): boolean {
    if (this.pending.length === 0) return false;
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i] as Pending;
      if (p.path === null || p.path === path) {
        if (--p.remaining === 0) this.pending.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  snapshot(): { path: string | null; count: number }[] {
    return this.pending.map((p) => ({ path: p.path, count: p.remaining }));
  }
}
