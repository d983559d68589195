/**
 * One HTTP exchange over undici keep-alive pools (one pool per origin).
 *
 * undici is loaded lazily, and only its Pool module: `require('undici')` loads every
 * dispatcher, mock and cache module (~80 ms on a small machine), which a hook that sends a
 * handful of requests, or a synth that merely imports the package, should not pay.
 *
 * The exchange is a dispatch handler that gathers the body itself rather than `request()`:
 * the answers here are small JSON documents (or none), read whole, so a body stream, an async
 * resource and an AbortSignal listener per request would only add cost. Cancellation is a
 * function handed to the caller (see guard.ts).
 */
import type { Dispatcher, Pool } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `scheme://host[:port]` of the pool to use. */
  readonly origin: string;
  /** Path and query as sent (already encoded). */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** Cancels an exchange in flight: its promise rejects with `reason` and the request is aborted. */
export type CancelExchange = (reason: unknown) => void;

type PoolCtor = new (origin: string, opts: Pool.Options) => Pool;

let PoolClass: PoolCtor | undefined;

function loadPool(): PoolCtor {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on the first request, not when the client module loads
  return (PoolClass ??= require('undici/lib/dispatcher/pool') as PoolCtor);
}

/** Gathers one response; settles its promise exactly once (answer, error or cancel). */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private length = 0;
  private settled = false;
  private cancelReason: unknown;

  constructor(
    private readonly resolve: (r: HttpResponse) => void,
    private readonly reject: (e: unknown) => void,
  ) {}

  /** See CancelExchange. */
  public readonly cancel: CancelExchange = (reason) => {
    if (this.settled) return;
    this.settled = true;
    this.cancelReason = reason;
    this.reject(reason);
    // Not yet written (waiting for a socket): onRequestStart aborts it.
    this.controller?.abort(asError(reason));
  };

  public onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.settled) {
      controller.abort(asError(this.cancelReason));
      return;
    }
    this.controller = controller;
  }

  public onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx answers are informational: the final one follows.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
  }

  public onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  public onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve({ status: this.status, headers: this.headers, text: decode(this.chunks, this.length) });
  }

  public onResponseError(_c: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}

/** UTF-8 text of a body, without a leading byte-order mark (as undici's `body.text()`). */
function decode(chunks: Buffer[], length: number): string {
  if (length === 0) return '';
  const b = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
  const start = b.length > 2 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  return b.toString('utf8', start);
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
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

  /**
   * Sends one request and reads the whole response body as text. Throws transport errors as
   * they are. `bind` receives, before anything is sent, the function that cancels this exchange.
   */
  public send(req: HttpRequest, bind?: (cancel: CancelExchange) => void): Promise<HttpResponse> {
    if (this.closed) return Promise.reject(new Error('the VBS client is closed'));
    const pool = this.pool(req.origin);
    return new Promise<HttpResponse>((resolve, reject) => {
      const exchange = new Exchange(resolve, reject);
      bind?.(exchange.cancel);
      pool.dispatch(
        {
          method: req.method,
          path: req.path,
          headers: req.headers,
          body: req.body,
          // The caller's own timer bounds each attempt; undici's defaults (300 s) must not fire first.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        exchange,
      );
    });
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
      const Ctor = loadPool();
      pool = new Ctor(origin, { connections: this.connections, keepAliveTimeout: 4_000, pipelining: 1 });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}
