/**
 * APIG "SDK-HMAC-SHA256" request signing.
 *
 * Used by the client (to sign) and the emulator (to verify). Both are checked against
 * Huawei's own Node signer in test/client/sdk-oracle.test.ts, so a canonicalisation bug here
 * cannot hide behind the two sides agreeing. node:crypto only, and only when a request is
 * signed: this file is on the hook path, where a token needs no hashing.
 */

/** node:crypto, loaded on first use. */
export function nodeCrypto(): typeof import('node:crypto') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, synchronously: a hook with a token never signs, and node:crypto is a visible part of its start
  return require('node:crypto') as typeof import('node:crypto');
}

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The parts of a request that take part in the signature. */
export interface SignableRequest {
  readonly method: string;
  /** Path without query, as sent on the wire (already percent-encoded where needed). */
  readonly path: string;
  /** Query parameters; a repeated name carries several values. */
  readonly query?: ReadonlyArray<readonly [string, string]>;
  /** Headers by name (any case). Only those listed in `signedHeaders` are used. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Exact body bytes, or undefined for no body. */
  readonly body?: string | Uint8Array;
}

/** RFC 3986 unreserved characters stay, everything else is %XX upper-case over UTF-8. */
export function encodeComponent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function canonicalUri(path: string): string {
  const segments = path.split('/').map((s) => encodeComponent(safeDecode(s)));
  const joined = segments.join('/');
  return joined.endsWith('/') ? joined : joined + '/';
}

/**
 * How the query parameters are sorted before they are joined. The client sorts the encoded
 * names and values (`'encoded'`); Huawei's Node SDK core sorts the decoded ones and encodes
 * afterwards (`'decoded'`, test/client/sdk-oracle.test.ts). The two orders differ only
 * when a name or value holds characters whose encoded form sorts elsewhere (non-ASCII, and
 * reserved characters such as `:` against digits).
 */
export type QueryOrder = 'encoded' | 'decoded';

export function canonicalQueryString(query: ReadonlyArray<readonly [string, string]> = [], order: QueryOrder = 'encoded'): string {
  const byPair = (a: readonly [string, string], b: readonly [string, string]): number => (a[0] === b[0] ? compare(a[1], b[1]) : compare(a[0], b[0]));
  const pairs = order === 'encoded'
    ? query.map(([k, v]) => [encodeComponent(k), encodeComponent(v)] as const).sort(byPair)
    : [...query].sort(byPair).map(([k, v]) => [encodeComponent(k), encodeComponent(v)] as const);
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export function payloadHash(body: string | Uint8Array | undefined, headers: Readonly<Record<string, string | undefined>> = {}): string {
  const override = headerValue(headers, 'x-sdk-content-sha256');
  if (override !== undefined) return override;
  if (body === undefined || body.length === 0) return EMPTY_BODY_SHA256;
  return nodeCrypto().createHash('sha256').update(body).digest('hex');
}

export function canonicalRequest(req: SignableRequest, signedHeaders: readonly string[], queryOrder: QueryOrder = 'encoded'): string {
  const names = [...signedHeaders].map((h) => h.toLowerCase()).sort(compare);
  const headerLines = names.map((n) => `${n}:${(headerValue(req.headers, n) ?? '').trim()}\n`).join('');
  return [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    canonicalQueryString(req.query, queryOrder),
    headerLines,
    names.join(';'),
    payloadHash(req.body, req.headers),
  ].join('\n');
}

export function stringToSign(canonical: string, sdkDate: string): string {
  return `${SIGNING_ALGORITHM}\n${sdkDate}\n${nodeCrypto().createHash('sha256').update(canonical).digest('hex')}`;
}

export function signature(secretKey: string, toSign: string): string {
  return nodeCrypto().createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(toSign).digest('hex');
}

/** `20240101T000000Z` for a date. */
export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Parses `YYYYMMDDTHHMMSSZ`; undefined when malformed. */
export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export interface SignResult {
  readonly authorization: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly canonicalRequest: string;
}

/**
 * Signs a request. The caller must already have put `X-Sdk-Date` (and any other header it
 * wants signed, such as Host or X-Project-Id) into `req.headers`.
 */
export function sign(req: SignableRequest, accessKey: string, secretKey: string, signedHeaders: readonly string[]): SignResult {
  const sdkDate = headerValue(req.headers, 'x-sdk-date');
  if (!sdkDate) throw new Error('X-Sdk-Date header is required to sign a request');
  const names = [...signedHeaders].map((h) => h.toLowerCase()).sort(compare);
  const canonical = canonicalRequest(req, names);
  const sig = signature(secretKey, stringToSign(canonical, sdkDate));
  const list = names.join(';');
  return {
    authorization: `${SIGNING_ALGORITHM} Access=${accessKey}, SignedHeaders=${list}, Signature=${sig}`,
    signedHeaders: list,
    signature: sig,
    canonicalRequest: canonical,
  };
}

export interface ParsedAuthorization {
  readonly accessKey: string;
  readonly signedHeaders: string[];
  readonly signature: string;
}

/** Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`; undefined when malformed. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(value.trim());
  if (!m) return undefined;
  return { accessKey: m[1], signedHeaders: m[2].split(';'), signature: m[3] };
}

function headerValue(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === lower) return headers[key];
  }
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
