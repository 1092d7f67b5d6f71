// startSimulator: createSimulator + a node:http server on loopback only (port 0 = any free
// port). Malformed HTTP (bad request line, oversized headers, ...) never reaches the handler:
// node reports it as 'clientError', and we answer that with the same JSON error shape too.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { isIPv4, isIPv6, type Socket } from 'node:net';
import { createSimulator, type SimFixtures, type Simulator, type SimulatorOptions } from './app';
import { errorBody, httpDate, JSON_TYPE } from './http';

export interface StartOptions extends SimulatorOptions {
  /** Loopback address to listen on: 127.0.0.0/8 or ::1 (default 127.0.0.1). */
  host?: string;
  /** TCP port, 0 (default) for any free port. */
  port?: number;
}

export interface RunningSimulator {
  /** Base URL of the API, including /v1 (like the reference's https://api.rundun.app/v1). */
  baseUrl: string;
  /** http://host:port */
  origin: string;
  fixtures: SimFixtures;
  simulator: Simulator;
  server: Server;
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  if (isIPv4(host)) return host.split('.')[0] === '127';
  if (isIPv6(host)) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

const BAD_REQUEST = errorBody('bad_request', 'The request is not valid HTTP.');

function onClientError(sim: Simulator, err: NodeJS.ErrnoException, socket: Socket): void {
  // Nothing to answer on a dead socket, or once a response is under way on it.
  if (err.code === 'ECONNRESET' || !socket.writable || '_httpMessage' in socket && socket._httpMessage) {
    socket.destroy();
    return;
  }
  writeBadRequest(sim, socket);
}

function writeBadRequest(sim: Simulator, socket: Socket): void {
  sim.counter.add(400);
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${BAD_REQUEST.length}\r\n` +
      `Date: ${httpDate(sim.clock.now())}\r\nConnection: close\r\n\r\n${BAD_REQUEST.toString('latin1')}`,
    'latin1',
  );
}

export async function startSimulator(options: StartOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(`refusing to listen on ${host}: only 127.0.0.0/8 or ::1`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`invalid port ${port}`);

  const simulator = createSimulator(options);
  const server = createServer(simulator.handler);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => onClientError(simulator, err, socket));
  // Without these listeners node would answer an unknown Expect with a bodiless 417 and drop
  // CONNECT silently: the first is served like any request, the second gets the JSON 400.
  server.on('checkExpectation', simulator.handler);
  server.on('connect', (_req: IncomingMessage, socket: Socket) => writeBadRequest(simulator, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  const origin = `http://${isIPv6(host) ? `[${host}]` : host}:${address.port}`;
  const fixtures = simulator.fixtures(origin);
  return {
    baseUrl: fixtures.baseUrl,
    origin,
    fixtures,
    simulator,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
