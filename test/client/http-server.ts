/**
 * A small real HTTP server on 127.0.0.1 (port 0) for client wire tests that need shapes the
 * emulator does not produce (garbage bodies, dropped sockets at chosen moments).
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface Received {
  readonly method: string;
  readonly path: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Handler = (req: Received, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  readonly url: string;
  readonly received: Received[];
  /** Requests to paths matching `re`. */
  count(re: RegExp, method?: string): number;
  close(): Promise<void>;
}

export const PROJECT = '17fbda95add24720a4038ba4b1c705ed';
export const POLICY = 'af8a20b0-117d-4fc3-ae53-aa3968a4f870';

export async function startServer(handler: Handler): Promise<TestServer> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const r: Received = { method: req.method ?? '', path: url.pathname, url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      Promise.resolve(handler(r, res)).catch((e: unknown) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    count: (re, method) => received.filter((r) => re.test(r.path) && (!method || r.method === method)).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function noContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/** Drops the connection without an answer (after the request was read: ambiguous). */
export function drop(res: ServerResponse): void {
  res.socket?.destroy();
}

/** API timestamp format: UTC without a zone, milliseconds. */
export function apiTime(d: Date): string {
  return d.toISOString().replace('Z', '');
}

/** Polls `cond` until true or the deadline; for waiting on server-side events. */
export async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** What a test can close. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * The servers and clients of a test file, closed after each test: a test pushes what it starts.
 * Call once at the top of a file (it registers the file's `afterEach`).
 */
export function closedAfterEach<C extends Closable>(): { servers: TestServer[]; clients: C[] } {
  const servers: TestServer[] = [];
  const clients: C[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return { servers, clients };
}
