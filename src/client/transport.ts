/**
 * The transport seam under VbsClient: one HTTP exchange (send a request, read the whole answer
 * as text), nothing else. Signing, retries, the no-duplicate execute, errors, timeouts and the
 * server clock are the client's (caller.ts, guard.ts), the same over every transport.
 *
 * Two transports, chosen by `VbsClientOptions.transport`:
 * - `undici` (the default): undici's public `Agent`, keep-alive pools per origin, for programs
 *   that make many calls (transport-undici.ts);
 * - `node-http`: node's own `http`/`https` with a keep-alive agent, for one-shot processes (the
 *   CLI and the hook executor) that make a handful of calls, where loading undici would cost
 *   more than the calls themselves (transport-node.ts; docs/architecture.md ADR 8).
 *
 * Each is required only when a client picks it (transports.ts), so the other is never loaded.
 */

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `scheme://host[:port]` the request goes to. */
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

/** One HTTP exchange at a time per call; many calls may share a transport. */
export interface Transport {
  /**
   * Sends one request and reads the whole response body as text. Rejects with transport errors
   * as they are (their `code`, e.g. ECONNREFUSED, tells whether the request may have been sent).
   * `bind` receives, before anything is sent, the function that cancels this exchange.
   */
  send(req: HttpRequest, bind?: (cancel: CancelExchange) => void): Promise<HttpResponse>;
  /** Closes idle connections and refuses further requests. */
  close(): Promise<void>;
}

/** Which HTTP stack a VbsClient uses. */
export type VbsTransport = 'undici' | 'node-http';

/** Options every transport takes. */
export interface TransportOptions {
  /** Keep-alive connections per origin. */
  readonly connections: number;
}

/** The transports, for checking an option and for tests that run against each. */
export const TRANSPORTS: readonly VbsTransport[] = ['undici', 'node-http'];

/** UTF-8 text of a body, without a leading byte-order mark. */
export function decodeBody(chunks: Buffer[], length: number): string {
  if (length === 0) return '';
  const b = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
  const start = b.length > 2 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  return b.toString('utf8', start);
}

export function asError(reason: unknown): Error {
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

/** The error of a send on a closed transport. */
export function closedError(): Error {
  return new Error('the VBS client is closed');
}
