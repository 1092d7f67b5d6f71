// The simulator's admin surface (/_sim), used only when the target is the simulator: advance
// its clock to expire runs, and provoke a 500. Staging has neither; probes that need them skip.
import type { Client } from './client';

export class SimControl {
  constructor(private readonly client: Client, private readonly token: string) {}

  async advanceClock(seconds: number): Promise<void> {
    await this.post('/clock', { advance_seconds: seconds });
  }

  async failNext(path: string, count = 1): Promise<void> {
    await this.post('/fail-next', { path, count });
  }

  private async post(path: string, body: unknown): Promise<void> {
    const ex = await this.client.request('POST', path, { body, headers: { 'x-sim-admin-token': this.token } });
    if (ex.status !== 200) throw new Error(`simulator admin ${path} answered ${ex.status || ex.error}: ${ex.bodyText.slice(0, 200)}`);
  }
}
