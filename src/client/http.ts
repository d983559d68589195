/**
 * One HTTP exchange over undici keep-alive pools (one pool per origin).
 *
 * undici is loaded lazily, and only its Pool and request modules: `require('undici')` loads
 * every dispatcher, mock and cache module (~80 ms on a small machine), which a hook that
 * sends a handful of requests, or a synth that merely imports the package, should not pay.
 */
import type { Dispatcher, Pool } from 'undici';

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

type PoolCtor = new (origin: string, opts: Pool.Options) => Pool;
type RequestFn = (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

let undiciParts: { Pool: PoolCtor; request: RequestFn } | undefined;

function loadUndici(): { Pool: PoolCtor; request: RequestFn } {
  if (!undiciParts) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const PoolClass = require('undici/lib/dispatcher/pool') as PoolCtor;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const request = require('undici/lib/api/api-request') as RequestFn;
    undiciParts = { Pool: PoolClass, request };
  }
  return undiciParts;
}

/** Error codes meaning the request never left this machine, so it certainly was not processed. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether a transport error may have happened after the server received the request. */
export function mayHaveBeenSent(err: unknown): boolean {
  const code = errorCode(err);
  return !(code !== undefined && NOT_SENT_CODES.has(code));
}

/** The `code` of an error or of its cause chain. */
export function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Keep-alive pools by origin. */
export class HttpPools {
  private readonly pools = new Map<string, Pool>();
  private closed = false;

  constructor(private readonly connections: number) {}

  /** Sends one request and reads the whole response body as text. Throws transport errors as they are. */
  public async send(req: HttpRequest): Promise<HttpResponse> {
    if (this.closed) throw new Error('the VBS client is closed');
    const { request } = loadUndici();
    const pool = this.pool(req.url.origin);
    const res = await request.call(pool, {
      method: req.method,
      path: req.url.pathname + req.url.search,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      // The caller's own timer bounds each attempt; undici's defaults (300 s) must not fire first.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  }

  public async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => p.destroy())));
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      const { Pool: PoolClass } = loadUndici();
      pool = new PoolClass(origin, { connections: this.connections, keepAliveTimeout: 4_000, pipelining: 1 });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}
