// A "small broken handler" for the proof-that-it-can-fail tests: a loopback proxy in front of a
// real simulator that breaks one rule by rewriting requests or responses, or by misbehaving at
// the transport level (dropped connection, hanging response).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ProxyRequest {
  method: string;
  path: string; // as received, e.g. /v1/templates?page=2
  headers: Record<string, string>;
  body: string;
}

export interface Breakage {
  /** Rewrite the request before it reaches the simulator. */
  request?(req: ProxyRequest, state: Record<string, unknown>): ProxyRequest;
  /** Rewrite the simulator's response. */
  response?(req: ProxyRequest, res: Upstream, state: Record<string, unknown>): Upstream;
  /** Transport misbehaviour: 'drop' closes the socket, 'hang' never answers. */
  transport?(req: ProxyRequest): 'drop' | 'hang' | undefined;
}

export interface BrokenProxy {
  origin: string;
  close(): Promise<void>;
}

export async function startBrokenProxy(upstreamOrigin: string, breakage: Breakage, initialState: Record<string, unknown> = {}): Promise<BrokenProxy> {
  const state: Record<string, unknown> = { ...initialState };
  const agent = new http.Agent({ keepAlive: true });
  const hanging = new Set<ServerResponse>();
  const server = http.createServer(async (inc: IncomingMessage, out: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of inc) chunks.push(c as Buffer);
    let req: ProxyRequest = {
      method: inc.method ?? 'GET',
      path: inc.url ?? '/',
      headers: Object.fromEntries(Object.entries(inc.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const t = breakage.transport?.(req);
    if (t === 'drop') return void inc.socket.destroy();
    if (t === 'hang') return void hanging.add(out);
    if (breakage.request) req = breakage.request(req, state);
    let res = await forward(upstreamOrigin, agent, req);
    if (breakage.response) res = breakage.response(req, res, state);
    const headers: Record<string, string> = { ...res.headers, 'content-length': String(Buffer.byteLength(res.body)) };
    delete headers['transfer-encoding'];
    out.writeHead(res.status, headers);
    out.end(res.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const h of hanging) h.destroy();
        agent.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function forward(origin: string, agent: http.Agent, req: ProxyRequest): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    delete headers['content-length'];
    if (req.body.length > 0) headers['content-length'] = String(Buffer.byteLength(req.body));
    const r = http.request(`${origin}${req.path}`, { method: req.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    r.on('error', reject);
    if (req.body.length > 0) r.write(req.body);
    r.end();
  });
}

/** JSON-body rewrite helper: parse, change, serialise (non-JSON bodies pass through). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test documents of any shape
export function withJson(res: Upstream, change: (doc: any) => unknown): Upstream {
  try {
    const doc = JSON.parse(res.body);
    const next = change(doc);
    return { ...res, body: JSON.stringify(next === undefined ? doc : next) };
  } catch {
    return res;
  }
}
