/**
 * Authentication as the API gateway does it (README "Credentials"): `X-Auth-Token` (tokens
 * configured or issued by `POST /v3/auth/tokens`) or an `SDK-HMAC-SHA256` signature verified
 * with the canonicalisation of `src/client/signer.ts` (query parameters sorted after encoding,
 * or before it as Huawei's Node SDK does) and a 15-minute clock-skew window. Tokens are kept only as SHA-256 hashes; no secret ever appears in a message.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignableRequest, canonicalRequest, parseAuthorization, parseSdkDate, signature, stringToSign } from '../client/signer';
import { CODES, gatewayError, serviceError } from './errors';
import type { EmulatorCredentialsOptions, EmulatorUser } from './types';
import { describe } from './validation';

/** Largest accepted difference between `X-Sdk-Date` and the emulator's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** What a request offers for authentication. */
export interface AuthRequest {
  readonly method: string;
  /** Path as received, without the query. */
  readonly path: string;
  /** Decoded query pairs in order. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

/** An issued token as persisted: hash, scope, expiry (epoch ms). */
export interface IssuedToken {
  readonly hash: string;
  readonly projectId: string;
  readonly expiresAt: number;
}

interface TokenEntry {
  readonly projectId?: string;
  readonly expiresAt?: number;
}

/** Checks credentials and issues tokens. */
export class Auth {
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly accessKeys = new Map<string, { secretKey: string; projectId?: string }>();
  private readonly users: EmulatorUser[];
  /** True when no credential of any kind was configured. */
  readonly open: boolean;

  constructor(options: EmulatorCredentialsOptions, private readonly tokenTtlMs: number) {
    for (const t of options.tokens ?? []) {
      const entry = typeof t === 'string' ? { token: t } : t;
      if (typeof entry.token !== 'string' || entry.token.length === 0) throw new Error('Emulator option tokens: every token must be a non-empty string');
      this.tokens.set(hashToken(entry.token), { projectId: entry.projectId });
    }
    for (const k of options.accessKeys ?? []) {
      if (!k.accessKey || !k.secretKey) throw new Error('Emulator option accessKeys: every entry needs a non-empty accessKey and secretKey');
      this.accessKeys.set(k.accessKey, { secretKey: k.secretKey, projectId: k.projectId });
    }
    this.users = [...(options.users ?? [])];
    this.open = this.tokens.size === 0 && this.accessKeys.size === 0 && this.users.length === 0;
  }

  /** Throws a 401/403 gateway error unless the request may act on `projectId`. */
  authenticate(req: AuthRequest, projectId: string, now: number): void {
    const token = req.headers['x-auth-token'];
    if (token !== undefined && token.length > 0) return this.checkToken(token, projectId, now);
    const authorization = req.headers.authorization;
    if (authorization !== undefined && authorization.length > 0) return this.checkSignature(req, authorization, projectId, now);
    throw gatewayError(401, CODES.iamAuth, 'Incorrect IAM authentication information: the request has neither an X-Auth-Token header nor an SDK-HMAC-SHA256 Authorization header');
  }

  private checkToken(token: string, projectId: string, now: number): void {
    const entry = this.tokens.get(hashToken(token));
    if (!entry) {
      if (this.open) return;
      throw gatewayError(401, CODES.iamAuth, 'Incorrect IAM authentication information: the X-Auth-Token is not a token this endpoint issued or accepts');
    }
    if (entry.expiresAt !== undefined && now >= entry.expiresAt) {
      throw gatewayError(401, CODES.tokenExpired, `The token must be updated: it expired at ${new Date(entry.expiresAt).toISOString()}`);
    }
    if (entry.projectId !== undefined && entry.projectId !== projectId) {
      throw gatewayError(403, CODES.iamForbidden, `The IAM user is not authorized to access project ${projectId}: the token is scoped to another project`);
    }
  }

  private checkSignature(req: AuthRequest, authorization: string, projectId: string, now: number): void {
    const parsed = parseAuthorization(authorization);
    if (!parsed) {
      throw gatewayError(401, CODES.iamAuth,
        'Incorrect IAM authentication information: the Authorization header must be "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<64 lower-case hex>"');
    }
    const signed = parsed.signedHeaders.map((h) => h.toLowerCase());
    const sdkDate = req.headers['x-sdk-date'];
    if (!signed.includes('x-sdk-date') || sdkDate === undefined) {
      throw gatewayError(401, CODES.appAuth, 'Incorrect app authentication information: X-Sdk-Date must be sent and listed in SignedHeaders');
    }
    const date = parseSdkDate(sdkDate);
    if (!date) {
      throw gatewayError(401, CODES.appAuth, `Incorrect app authentication information: X-Sdk-Date ${describe(sdkDate)} is not of the form YYYYMMDDTHHMMSSZ`);
    }
    if (Math.abs(now - date.getTime()) > MAX_CLOCK_SKEW_MS) {
      throw gatewayError(401, CODES.appAuth,
        `Incorrect app authentication information: signature expired: X-Sdk-Date ${sdkDate} is more than 15 minutes away from the server time ${new Date(now).toISOString()}`);
    }
    const key = this.accessKeys.get(parsed.accessKey);
    if (!key) {
      // Open mode has no secret to verify with: a well-formed, fresh signature is enough.
      if (this.open) return;
      throw gatewayError(401, CODES.iamAuth, `Incorrect IAM authentication information: access key ${describe(parsed.accessKey)} is unknown`);
    }
    const signable: SignableRequest = { method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body };
    const canonical = canonicalRequest(signable, signed);
    if (!matches(key.secretKey, canonical, sdkDate, parsed.signature) && !matchesOtherQueryOrder(signable, signed, canonical, key.secretKey, sdkDate, parsed.signature)) {
      throw gatewayError(401, CODES.appAuth,
        `Incorrect app authentication information: signature mismatch; canonicalRequest:${redact(canonical, signed)}`);
    }
    if (key.projectId !== undefined && key.projectId !== projectId) {
      throw gatewayError(403, CODES.iamForbidden, `The IAM user is not authorized to access project ${projectId}: access key ${parsed.accessKey} is bound to another project`);
    }
  }

  /**
   * `POST /v3/auth/tokens`, password method with project scope: 201, the token in
   * `X-Subject-Token`, `token.expires_at` and `token.project` in the body.
   */
  issueToken(raw: unknown, now: number): { token: string; projectId: string; body: unknown } {
    const login = readLogin(raw);
    const user = this.users.find((u) => u.userName === login.userName && u.domainName === login.domainName && u.password === login.password);
    if (!user && !(this.open)) {
      throw gatewayError(401, CODES.iamAuth, `Incorrect IAM authentication information: the user name, password or domain name is wrong (user ${describe(login.userName)}, domain ${describe(login.domainName)})`);
    }
    const token = `MII${randomBytes(48).toString('base64url')}`;
    const expiresAt = now + this.tokenTtlMs;
    this.purgeExpired(now);
    this.tokens.set(hashToken(token), { projectId: login.projectId, expiresAt });
    const domain = { id: hex(login.domainName), name: login.domainName };
    const body = {
      token: {
        methods: ['password'],
        issued_at: iamTime(now),
        expires_at: iamTime(expiresAt),
        user: { id: hex(`${login.domainName}/${login.userName}`), name: login.userName, domain, password_expires_at: '' },
        project: { id: login.projectId, name: `project-${login.projectId.slice(0, 8)}`, domain },
        roles: [{ id: '0', name: 'te_admin' }],
        catalog: [],
      },
    };
    return { token, projectId: login.projectId, body };
  }

  /** Issued tokens still valid at `now`, for the state file (hashes only). */
  issuedTokens(now: number): IssuedToken[] {
    const out: IssuedToken[] = [];
    for (const [hash, e] of this.tokens) {
      if (e.expiresAt !== undefined && e.projectId !== undefined && e.expiresAt > now) out.push({ hash, projectId: e.projectId, expiresAt: e.expiresAt });
    }
    return out;
  }

  /** Restores issued tokens from the state file. */
  restoreIssued(tokens: readonly IssuedToken[]): void {
    for (const t of tokens) this.tokens.set(t.hash, { projectId: t.projectId, expiresAt: t.expiresAt });
  }

  private purgeExpired(now: number): void {
    for (const [hash, e] of this.tokens) if (e.expiresAt !== undefined && e.expiresAt <= now) this.tokens.delete(hash);
  }
}

/** True when `given` is the signature of `canonical` (compared in constant time). */
function matches(secretKey: string, canonical: string, sdkDate: string, given: string): boolean {
  return timingSafeEqual(Buffer.from(signature(secretKey, stringToSign(canonical, sdkDate))), Buffer.from(given));
}

/**
 * Official SDKs disagree on the order of query parameters (`QueryOrder` in src/client/signer.ts): the emulator also
 * accepts a signature over the parameters sorted before encoding, so a request signed by any of
 * them passes. Only tried when that order gives another canonical request.
 */
function matchesOtherQueryOrder(req: SignableRequest, signed: readonly string[], canonical: string, secretKey: string, sdkDate: string, given: string): boolean {
  if ((req.query?.length ?? 0) < 2) return false;
  const other = canonicalRequest(req, signed, 'decoded');
  return other !== canonical && matches(secretKey, other, sdkDate, given);
}

/** SHA-256 hex of a token: the only form in which tokens are kept. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function readLogin(raw: unknown): { userName: string; password: string; domainName: string; projectId: string } {
  const at = (v: unknown, key: string): unknown => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined);
  const auth = at(raw, 'auth');
  const identity = at(auth, 'identity');
  const methods = at(identity, 'methods');
  if (!Array.isArray(methods) || !methods.includes('password')) {
    throw serviceError('IAM.0011', 'auth.identity.methods must include "password" (only password login is emulated)');
  }
  const user = at(at(identity, 'password'), 'user');
  const userName = at(user, 'name');
  const password = at(user, 'password');
  const domainName = at(at(user, 'domain'), 'name');
  if (typeof userName !== 'string' || typeof password !== 'string' || typeof domainName !== 'string' || !userName || !domainName) {
    throw serviceError('IAM.0011', 'auth.identity.password.user needs name, password and domain.name strings');
  }
  const projectId = at(at(at(auth, 'scope'), 'project'), 'id');
  if (typeof projectId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(projectId)) {
    throw serviceError('IAM.0011', `auth.scope.project.id is required (a project id; scope by name or domain is not emulated), got ${describe(projectId)}`);
  }
  return { userName, password, domainName, projectId };
}

/** IAM's timestamp format, e.g. `2024-01-02T03:04:05.000000Z`. */
function iamTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

function hex(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/** The canonical request with the value of any header that may carry a secret hidden. */
function redact(canonical: string, signed: readonly string[]): string {
  const secret = new Set(['x-security-token', 'x-auth-token', 'authorization', 'cookie']);
  return canonical
    .split('\n')
    .map((line) => {
      const name = line.slice(0, line.indexOf(':'));
      return signed.includes(name) && secret.has(name) ? `${name}:***` : line;
    })
    .join('|');
}
