/**
 * Typed errors of the VBS client, and the parsing of the API's two error body shapes.
 *
 * Every message is built to be printed as is (by the CLI, by a Terraform hook): it names the
 * operation and what went wrong, and never contains a credential. Text that comes from the
 * server or from a socket error goes through a redactor first.
 */

/**
 * Base class of every error the client raises, for VBS and CBR alike: an API answer
 * ({@link VbsApiError}, busy ones included), the network, a timeout, an abort, a bad option
 * ({@link VbsConfigError}), a name that matches nothing ({@link VbsNotFoundError}) or several
 * ({@link VbsAmbiguousNameError}). Callers tell them apart with `instanceof`.
 */
export class VbsError extends Error {
  /**
   * Client operation that failed, e.g. `executePolicy` (see `OPERATIONS` in src/contract/wire.ts),
   * or `configure` for bad options or environment of the client itself.
   */
  public readonly operation: string;

  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VbsError';
    this.operation = operation;
  }
}

/** The API answered with an error status (or an unusable body). */
export class VbsApiError extends VbsError {
  /** HTTP status of the response. */
  public readonly status: number;
  /** Service or gateway error code, e.g. `AutoBackup.0225`, `APIGW.0308`; `HTTP_<status>` when the body had none. */
  public readonly code: string;
  /** Request id from the body (`request_id`) or the `X-Request-Id` header, when present. */
  public readonly requestId?: string;
  /** The server's message (redacted), or a short excerpt of an unparsable body. */
  public readonly apiMessage: string;

  constructor(o: { operation: string; status: number; code: string; message: string; requestId?: string }) {
    const rid = o.requestId ? ` (request id ${o.requestId})` : '';
    super(o.operation, `${o.operation} failed: HTTP ${o.status} ${o.code}: ${o.message}${rid}`);
    this.name = 'VbsApiError';
    this.status = o.status;
    this.code = o.code;
    this.requestId = o.requestId;
    this.apiMessage = o.message;
  }
}

/** The server could not be reached, or the connection broke. The socket error is kept as `cause`. */
export class VbsNetworkError extends VbsError {
  /** False when the request certainly never reached the server (connection refused, DNS failure). */
  public readonly maybeSent: boolean;

  constructor(operation: string, message: string, maybeSent: boolean, cause?: unknown) {
    super(operation, message, { cause });
    this.name = 'VbsNetworkError';
    this.maybeSent = maybeSent;
  }
}

/** An attempt, a whole call (retries included) or a wait for jobs took too long. */
export class VbsTimeoutError extends VbsError {
  constructor(operation: string, message: string, cause?: unknown) {
    super(operation, message, { cause });
    this.name = 'VbsTimeoutError';
  }
}

/** The caller's AbortSignal fired. The signal's reason is kept as `cause`. */
export class VbsAbortError extends VbsError {
  constructor(operation: string, cause?: unknown) {
    super(operation, `${operation} aborted by the caller`, { cause });
    this.name = 'AbortError';
  }
}

/**
 * Bad options, environment or arguments: nothing was sent. The message names the option,
 * variable or argument and what is allowed.
 */
export class VbsConfigError extends VbsError {
  /**
   * @param message what was wrong and what is allowed
   * @param operation the method given a bad argument; `configure` for the client's options and environment
   */
  constructor(message: string, operation = 'configure') {
    super(operation, message);
    this.name = 'VbsConfigError';
  }
}

/** What a lookup was given, for {@link VbsNotFoundError} and {@link VbsAmbiguousNameError}. */
export interface VbsLookup {
  /** The method that looked, e.g. `findVaultByName`. */
  readonly operation: string;
  /** What was looked for: `vault`, `backup policy`. */
  readonly kind: string;
  /** How it was named: `name`, `id`, or `identity` (a managed policy's marker). */
  readonly by: string;
  /** The name, id or identity as given. */
  readonly value: string;
  /** The project looked in. */
  readonly projectId: string;
}

/**
 * Nothing has the name or id looked for (`CbrClient.findVaultByName`: no vault of that name).
 * The message says what was looked for and where.
 */
export class VbsNotFoundError extends VbsError {
  /** What was looked for, how, and where. */
  public readonly lookup: VbsLookup;

  constructor(lookup: VbsLookup, message: string) {
    super(lookup.operation, message);
    this.name = 'VbsNotFoundError';
    this.lookup = lookup;
  }
}

/**
 * Several have the name looked for (`CbrClient.findVaultByName`, `VbsClient.findPolicyByName`):
 * refer to one by id. The message names each id.
 */
export class VbsAmbiguousNameError extends VbsError {
  /** What was looked for (`by` is `name`), and where. */
  public readonly lookup: VbsLookup;
  /** The id of each that has the name. */
  public readonly ids: readonly string[];

  constructor(lookup: VbsLookup, ids: readonly string[], message: string) {
    super(lookup.operation, message);
    this.name = 'VbsAmbiguousNameError';
    this.lookup = lookup;
    this.ids = ids;
  }
}

const EXCERPT_CHARS = 160;

/**
 * Removes credentials from text that may echo them (APIG echoes the canonical request on a
 * signature mismatch, socket errors may quote headers). Known secret values are replaced
 * wherever they appear; signature-like and token-header-like fragments are masked by shape.
 */
export type Redactor = (text: string) => string;

export function makeRedactor(secrets: () => readonly string[]): Redactor {
  return (text) => {
    let out = text;
    for (const s of secrets()) {
      // Very short values would mask unrelated text; real secrets are long.
      if (s && s.length >= 4) out = out.split(s).join('***');
    }
    return out
      .replace(/(Signature=)[0-9a-fA-F]{16,}/g, '$1***')
      .replace(/(x-auth-token|x-subject-token|x-security-token|authorization)(\s*[:=]\s*)[^\s|,;"]+/gi, '$1$2***')
      .replace(/("password"\s*:\s*)"[^"]*"/gi, '$1"***"');
  };
}

/** Header value as one string (undici gives arrays for repeated headers). */
export function headerString(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Builds a VbsApiError from an error response. Understands the service shapes
 * `{"error":{"code","message"}}` (VBS) and `{"error_code","error_msg"}` (CBR), the gateway shape
 * `{"error_code","error_msg","request_id"}`, a top-level `{"code","message"}` and one other
 * wrapper around `{"code","message"}` (`{"unauthorized":{…}}`); anything else (HTML, empty, truncated JSON) becomes
 * code `HTTP_<status>` with a short excerpt of the body.
 */
export function parseApiError(
  operation: string,
  status: number,
  bodyText: string,
  headers: Record<string, string | string[] | undefined>,
  redact: Redactor,
): VbsApiError {
  const headerRequestId = headerString(headers, 'x-request-id');
  const parsed = tryParseJson(bodyText);
  const found = parsed !== undefined ? errorFields(parsed) : undefined;
  if (found) {
    return new VbsApiError({
      operation,
      status,
      code: clip(redact(found.code), 64),
      message: clip(redact(found.message || '(no message)'), 400),
      requestId: requestIdOf(found.requestId ?? headerRequestId, redact),
    });
  }
  return new VbsApiError({ operation, status, code: `HTTP_${status}`, message: excerpt(bodyText, redact), requestId: requestIdOf(headerRequestId, redact) });
}

/** A request id as printed: redacted and bounded (it comes from the server, like the message). */
function requestIdOf(id: string | undefined, redact: Redactor): string | undefined {
  return id === undefined ? undefined : clip(redact(id.replace(/\s+/g, ' ')), 128);
}

/** A one-line, redacted, bounded excerpt of a body, for messages. */
export function excerpt(bodyText: string, redact: Redactor): string {
  const oneLine = bodyText.replace(/\s+/g, ' ').trim();
  if (!oneLine) return '(empty body)';
  const cut = oneLine.length > EXCERPT_CHARS ? `${oneLine.slice(0, EXCERPT_CHARS)}…` : oneLine;
  return `unexpected body: ${redact(cut)}`;
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorFields(body: unknown): { code: string; message: string; requestId?: string } | undefined {
  if (!isObject(body)) return undefined;
  const requestId = str(body.request_id);
  if (str(body.error_code)) return { code: str(body.error_code)!, message: str(body.error_msg) ?? '', requestId };
  if (isObject(body.error) && str(body.error.code)) {
    return { code: str(body.error.code)!, message: str(body.error.message) ?? '', requestId: requestId ?? str(body.error.request_id) };
  }
  if (str(body.code) && str(body.message) !== undefined) return { code: str(body.code)!, message: str(body.message)!, requestId };
  // One wrapper of another name around {code, message}, e.g. {"unauthorized":{"code":"401",…}} (CBR on Huawei).
  const keys = Object.keys(body);
  const inner = keys.length === 1 ? body[keys[0]] : undefined;
  if (isObject(inner) && str(inner.code) && str(inner.message) !== undefined) return { code: str(inner.code)!, message: str(inner.message)!, requestId };
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
