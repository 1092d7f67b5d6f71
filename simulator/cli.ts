// The simulator as a process: `node build/simulator/cli.js --port 0 --fixtures f.json`.
// Prints the base URL and the fixtures path (never a key); --help prints the usage (exit 0), a bad
// flag one line naming it (exit 2); SIGINT/SIGTERM close the server and exit 0.
import { renameSync, writeFileSync } from 'node:fs';
import { listFaults } from './faults';
import { createNetworkLatency, describeLatency } from './latency';
import { SIM_COMMAND, simConfig, type CliConfig } from './options';
import { parseOrExit } from '../cli/args';
import { startSimulator } from './server';

function describeLimit(cfg: CliConfig): string {
  const rl = cfg.start.rateLimit;
  const faults =
    (cfg.start.latency ? `; ${describeLatency(createNetworkLatency(cfg.start.latency))}` : '') +
    (cfg.start.faults?.length ? `; FAULTS: ${cfg.start.faults.join(', ')}` : '');
  if (rl === null || rl === undefined) return `rate limit off${faults}`;
  return `rate limit ${rl.limit}/${rl.windowMs}ms ${rl.algorithm}, Retry-After ${cfg.start.retryAfterFormat ?? 'delay-seconds'}${faults}`;
}

async function main(): Promise<void> {
  const cfg: CliConfig = { ...parseOrExit(SIM_COMMAND, process.argv.slice(2), simConfig), help: false };
  if (cfg.listFaults) {
    process.stdout.write(`${listFaults()}\n`);
    return;
  }

  const sim = await startSimulator({
    ...cfg.start,
    onError: (err) => process.stderr.write(`simulator: handler error: ${err instanceof Error ? err.message : String(err)}\n`),
  });
  if (cfg.fixturesPath !== null) {
    // Write then rename, so a reader polling for the file never sees half of it.
    const tmp = `${cfg.fixturesPath}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(sim.fixtures, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, cfg.fixturesPath);
  }
  process.stdout.write(
    `rundun simulator listening on ${sim.baseUrl} (${describeLimit(cfg)})` +
      (cfg.fixturesPath === null ? '\n' : `; fixtures written to ${cfg.fixturesPath}\n`),
  );

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    process.stdout.write(`rundun simulator: ${signal}, closing\n`);
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
