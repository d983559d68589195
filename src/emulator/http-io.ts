/**
 * Transport helpers of the emulator: bounded body reading, URL splitting and decoding, JSON
 * body parsing with content-type checks, and writing responses. Every problem becomes a 4xx
 * with a code; nothing here may crash the server or leave a request hanging.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CODES, gatewayError, serviceError } from './errors';
import { assertNoAngleBrackets } from './validation';

/** Largest request body accepted: 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Largest request URL accepted: 8 KiB. */
export const MAX_URL_LENGTH = 8 * 1024;
/** Beyond this many bytes an oversized body is no longer drained: the connection is closed. */
const MAX_DRAIN_BYTES = 32 * 1024 * 1024;

/** The parts of a request URL. */
export interface SplitUrl {
  /** Path as received (still percent-encoded), used for signatures and the log. */
  readonly path: string;
  /** Decoded path segments without the leading empty one (and without a trailing empty one). */
  readonly segments: string[];
  /** Decoded query pairs in order. */
  readonly query: [string, string][];
}

/** Splits and decodes a request URL; 414/400 `APIGW.0201` when too long or malformed. */
export function splitUrl(rawUrl: string): SplitUrl {
  if (rawUrl.length > MAX_URL_LENGTH) {
    throw gatewayError(414, CODES.requestError, `Request URI too long: ${rawUrl.length} characters, at most ${MAX_URL_LENGTH} are accepted`);
  }
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
  const segments = path.split('/').slice(1);
  for (let i = 0; i < segments.length; i++) if (segments[i].includes('%')) segments[i] = decodeSegment(segments[i]);
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  const query: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    query.push([decodeQuery(name), decodeQuery(value)]);
  }
  return { path, segments, query };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw gatewayError(400, CODES.requestError, `Malformed percent-encoding in the request path segment "${segment.slice(0, 64)}"`);
  }
}

/** Decodes a query name or value (`+` is a space); plain text is returned as is. */
function decodeQuery(value: string): string {
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    throw gatewayError(400, CODES.requestError, `Malformed percent-encoding in the query string near "${value.slice(0, 64)}"`);
  }
}

/** The empty body of a request that declares none. */
const NO_BODY = Buffer.alloc(0);

/**
 * Reads the whole body up to 1 MiB. A larger body is drained and refused with 413
 * `APIGW.0201` (so the client reads the answer instead of a reset); past 32 MiB the
 * connection is closed. A request without `Content-Length` and `Transfer-Encoding` has no
 * body (RFC 9112 section 6.3): it gets the empty buffer at once, without waiting for the
 * stream's end (Node discards anything left unread when the response finishes).
 */
export function readBody(req: IncomingMessage): Buffer | Promise<Buffer> {
  const length = req.headers['content-length'];
  if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) return NO_BODY;
  return new Promise((resolve, reject) => {
    const declared = Number(length ?? 0);
    let over = Number.isFinite(declared) && declared > MAX_BODY_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    // Errors are built only when used: an Error captures a stack trace, which is not free.
    const fail = (error: () => Error): void => {
      if (settled) return;
      settled = true;
      reject(error());
    };
    const tooLarge = () => gatewayError(413, CODES.requestError, `Request body too large: more than ${MAX_BODY_BYTES} bytes (1 MiB) is not accepted`);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) over = true;
      if (!over) chunks.push(chunk);
      else if (size > MAX_DRAIN_BYTES) {
        req.socket.destroy();
        fail(tooLarge);
      }
    });
    req.on('end', () => {
      if (over) return fail(tooLarge);
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => fail(() => err));
    req.on('close', () => fail(() => gatewayError(400, CODES.requestError, 'The connection closed before the request body was complete')));
  });
}

/**
 * Parses a JSON body: undefined when empty; 415 for a non-JSON content type; 400
 * `AutoBackup.0008` for invalid JSON; 400 `AutoBackup.0221` for `<` or `>` unless
 * `allowAngleBrackets` (password logins). The parser's message is not echoed: it can quote
 * the body, which may hold a password.
 */
export function parseJsonBody(body: Buffer, contentType: string | undefined, allowAngleBrackets: boolean): unknown {
  if (body.length === 0) return undefined;
  if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType.trim())) {
    throw serviceError(CODES.invalidJson, `Content-Type "${contentType.slice(0, 64)}" is not supported; send the body as application/json`, 415);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw serviceError(CODES.invalidJson, `The request body (${body.length} bytes) is not valid JSON`);
  }
  if (!allowAngleBrackets) assertNoAngleBrackets(parsed, 'the request body');
  return parsed;
}

/**
 * Headers with one string value each, names lower-case (as node gives them). Node already
 * joins repeated headers into one string except a few (`set-cookie`) it keeps as arrays; only
 * then is a copy made.
 */
export function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers = req.headers;
  let hasArray = false;
  for (const name in headers) {
    if (Array.isArray(headers[name])) {
      hasArray = true;
      break;
    }
  }
  if (!hasArray) return headers as Record<string, string | undefined>;
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** Writes a response; a JSON body unless `body` is a string (sent as is) or undefined. */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = body === undefined || status === 204 || status === 304 ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const all: Record<string, string | number> = { ...headers };
  if (payload !== undefined) {
    all['Content-Type'] = 'application/json;charset=UTF-8';
    all['Content-Length'] = Buffer.byteLength(payload);
  }
  res.writeHead(status, all);
  res.end(payload);
}
