/**
 * Credentials: an IAM token, an AK/SK pair (APIG SDK-HMAC-SHA256 signing), or a password
 * login that yields a project-scoped IAM token (cached, renewed before expiry and on a 401).
 *
 * Secrets live in ES private fields, so they never show in `console.log`, `util.inspect`,
 * `JSON.stringify` or error messages.
 */
import type { Service } from '../contract/rules';
import { Env, fromEnv } from './endpoints';
import { VbsConfigError } from './errors';
import { formatSdkDate, nodeCrypto, sign } from './signer';

/** Inputs of {@link Credentials.password}. */
export interface PasswordCredentialsOptions {
  /** IAM user name. */
  readonly userName: string;
  /** IAM user password. */
  readonly password: string;
  /** Account (domain) name the user belongs to. */
  readonly domainName: string;
  /**
   * IAM base URL (`https://iam.x`, `…/v3` or `…/v3/auth/tokens`).
   * @default - `HW_AUTH_URL` / `OS_AUTH_URL`, else the VBS endpoint itself when that is a loopback emulator, else derived
   * from the region and its cloud (`iam.<region>.<domain>`; `iam.myhuaweicloud.eu` for `eu-west-101`)
   */
  readonly authUrl?: string;
  /** Project the token is scoped to. @default - the client's project id */
  readonly projectId?: string;
}

/** A request about to be sent, which credentials decorate with headers. @internal */
export interface AuthRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** What credentials need from the client to authorise a request. @internal */
export interface AuthContext {
  readonly projectId: string;
  /** Full `…/v3/auth/tokens` URL for password logins. */
  readonly tokenUrl: string;
  readonly now: () => number;
  readonly signal: AbortSignal;
  /** Performs the IAM call; returns the X-Subject-Token and the body's expires_at. */
  readonly login: (tokenUrl: string, body: string, signal: AbortSignal) => Promise<{ token: string; expiresAt?: Date }>;
}

/** Renew a password token this long before it expires. */
const RENEW_BEFORE_MS = 5 * 60_000;
/** Lifetime assumed when IAM gives no expires_at (real tokens last 24 h). */
const DEFAULT_TOKEN_TTL_MS = 23 * 3_600_000;

interface CachedToken {
  readonly token: string;
  readonly expiresAtMs: number;
}

/** How the client authenticates to VBS. Build with the static factories. */
export class Credentials {
  /** An IAM token, sent as `X-Auth-Token`. */
  public static token(token: string): Credentials {
    if (typeof token !== 'string' || token.trim() === '') throw new VbsConfigError('Credentials.token: the token is empty');
    return new Credentials('token', { token: token.trim() });
  }

  /** An access key pair; requests are signed with SDK-HMAC-SHA256. `securityToken` for temporary keys. */
  public static accessKey(accessKey: string, secretKey: string, securityToken?: string): Credentials {
    if (!accessKey || !secretKey) throw new VbsConfigError('Credentials.accessKey: both the access key and the secret key are required');
    return new Credentials('accessKey', { accessKey, secretKey, securityToken: securityToken || undefined });
  }

  /** A password login (`POST /v3/auth/tokens`, password method, project scope). */
  public static password(o: PasswordCredentialsOptions): Credentials {
    const missing = (['userName', 'password', 'domainName'] as const).filter((k) => !o?.[k]);
    if (missing.length > 0) throw new VbsConfigError(`Credentials.password: missing ${missing.join(', ')}`);
    return new Credentials('password', { login: { ...o } });
  }

  /**
   * Reads credentials from the environment. Precedence: token (HW_AUTH_TOKEN / OS_AUTH_TOKEN),
   * then access key (HW_ACCESS_KEY + HW_SECRET_KEY [+ HW_SECURITY_TOKEN], or OS_ forms), then
   * password (HW_USER_NAME + HW_USER_PASSWORD + HW_DOMAIN_NAME [+ HW_AUTH_URL], or OS_USERNAME,
   * OS_PASSWORD, OS_DOMAIN_NAME, OS_AUTH_URL). Throws VbsConfigError naming what is missing.
   */
  public static fromEnvironment(env: Env = process.env): Credentials {
    return Credentials._fromEnvironment(env);
  }

  /**
   * {@link fromEnvironment} for a client of `service`, which the message names when the
   * environment holds no credentials.
   * @internal
   */
  public static _fromEnvironment(env: Env, service?: Service): Credentials {
    const token = fromEnv(env, 'HW_AUTH_TOKEN', 'OS_AUTH_TOKEN');
    if (token) return Credentials.token(token.value);

    const ak = fromEnv(env, 'HW_ACCESS_KEY', 'OS_ACCESS_KEY');
    const sk = fromEnv(env, 'HW_SECRET_KEY', 'OS_SECRET_KEY');
    if (ak || sk) {
      if (!ak) throw new VbsConfigError(`${sk!.name} is set but HW_ACCESS_KEY (or OS_ACCESS_KEY) is missing`);
      if (!sk) throw new VbsConfigError(`${ak.name} is set but HW_SECRET_KEY (or OS_SECRET_KEY) is missing`);
      return Credentials.accessKey(ak.value, sk.value, fromEnv(env, 'HW_SECURITY_TOKEN', 'OS_SECURITY_TOKEN')?.value);
    }

    const parts = {
      userName: { v: fromEnv(env, 'HW_USER_NAME', 'OS_USERNAME'), names: 'HW_USER_NAME (or OS_USERNAME)' },
      password: { v: fromEnv(env, 'HW_USER_PASSWORD', 'OS_PASSWORD'), names: 'HW_USER_PASSWORD (or OS_PASSWORD)' },
      domainName: { v: fromEnv(env, 'HW_DOMAIN_NAME', 'OS_DOMAIN_NAME', 'OS_USER_DOMAIN_NAME'), names: 'HW_DOMAIN_NAME (or OS_DOMAIN_NAME)' },
    };
    const present = Object.values(parts).filter((p) => p.v);
    if (present.length > 0) {
      const missing = Object.values(parts).filter((p) => !p.v).map((p) => p.names);
      if (missing.length > 0) {
        throw new VbsConfigError(`password login is incomplete: ${present.map((p) => p.v!.name).join(', ')} set but ${missing.join(', ')} missing`);
      }
      return Credentials.password({
        userName: parts.userName.v!.value,
        password: parts.password.v!.value,
        domainName: parts.domainName.v!.value,
        authUrl: fromEnv(env, 'HW_AUTH_URL', 'OS_AUTH_URL')?.value,
      });
    }
    throw new VbsConfigError(
      `no ${service === undefined ? '' : `${service.toUpperCase()} `}credentials in the environment: set HW_AUTH_TOKEN (or OS_AUTH_TOKEN); or HW_ACCESS_KEY and HW_SECRET_KEY (or OS_ forms); ` +
        'or HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME (or OS_USERNAME, OS_PASSWORD, OS_DOMAIN_NAME)',
    );
  }

  /** Which kind of credentials these are. */
  public readonly kind: 'token' | 'accessKey' | 'password';
  readonly #token?: string;
  readonly #accessKey?: string;
  readonly #secretKey?: string;
  readonly #securityToken?: string;
  readonly #login?: PasswordCredentialsOptions;
  #identity?: string;
  /** Password tokens by `tokenUrl|projectId`: settled values and in-flight logins. */
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<CachedToken>>();

  private constructor(
    kind: Credentials['kind'],
    v: { token?: string; accessKey?: string; secretKey?: string; securityToken?: string; login?: PasswordCredentialsOptions },
  ) {
    this.kind = kind;
    this.#token = v.token;
    this.#accessKey = v.accessKey;
    this.#secretKey = v.secretKey;
    this.#securityToken = v.securityToken;
    this.#login = v.login;
  }

  /** e.g. `Credentials(accessKey AK=ABCD…)`; never a secret. */
  public toString(): string {
    switch (this.kind) {
      case 'token':
        return 'Credentials(token)';
      case 'accessKey':
        return `Credentials(accessKey AK=${this.#accessKey!.slice(0, 4)}…${this.#securityToken ? ' temporary' : ''})`;
      default:
        return `Credentials(password user=${this.#login!.userName} domain=${this.#login!.domainName})`;
    }
  }

  /** @internal */
  public toJSON(): string {
    return this.toString();
  }

  /** @internal */
  public [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Same value for equal credentials (a hash, never the secrets themselves). @internal */
  public get identity(): string {
    // Computed on first use: a one-shot hook with a token never needs node:crypto for it.
    if (this.#identity === undefined) {
      const l = this.#login;
      const material = [this.kind, this.#token, this.#accessKey, this.#secretKey, this.#securityToken, l?.userName, l?.password, l?.domainName, l?.authUrl, l?.projectId];
      this.#identity = nodeCrypto().createHash('sha256').update(JSON.stringify(material)).digest('hex').slice(0, 32);
    }
    return this.#identity;
  }

  /** The configured IAM URL of a password login. @internal */
  public get authUrl(): string | undefined {
    return this.#login?.authUrl;
  }

  /** Every secret value these credentials hold or obtained, for redaction. @internal */
  public secrets(): string[] {
    const out = [this.#token, this.#secretKey, this.#securityToken, this.#login?.password].filter((s): s is string => !!s);
    for (const t of this.#tokens.values()) out.push(t.token);
    return out;
  }

  /**
   * Adds the header of credentials that need neither I/O nor the request (a fixed token) and
   * returns true; returns false, adding nothing, when {@link authorize} must run. Lets a call
   * skip building an AuthContext and awaiting. @internal
   */
  public authorizeFixed(headers: Record<string, string>): boolean {
    if (this.kind !== 'token') return false;
    headers['x-auth-token'] = this.#token!;
    return true;
  }

  /**
   * Adds the authentication headers to a request (signing it last, over the exact body).
   * Returns the IAM token used for a password login, so a 401 can invalidate it. @internal
   */
  public async authorize(req: AuthRequest, ctx: AuthContext): Promise<string | undefined> {
    if (this.kind === 'token') {
      req.headers['x-auth-token'] = this.#token!;
      return undefined;
    }
    if (this.kind === 'password') {
      const token = (await this.passwordToken(ctx)).token;
      req.headers['x-auth-token'] = token;
      return token;
    }
    req.headers['x-project-id'] = ctx.projectId;
    req.headers['x-sdk-date'] = formatSdkDate(new Date(ctx.now()));
    if (this.#securityToken) req.headers['x-security-token'] = this.#securityToken;
    const signed = ['content-type', 'host', 'x-project-id', 'x-sdk-date'];
    if (this.#securityToken) signed.push('x-security-token');
    const query = [...req.url.searchParams.entries()];
    const result = sign({ method: req.method, path: req.url.pathname, query, headers: req.headers, body: req.body }, this.#accessKey!, this.#secretKey!, signed);
    req.headers.authorization = result.authorization;
    return undefined;
  }

  /** Drops a cached password token the server refused, so the next call logs in again. @internal */
  public invalidateToken(token: string): void {
    for (const [key, cached] of this.#tokens) if (cached.token === token) this.#tokens.delete(key);
  }

  private async passwordToken(ctx: AuthContext): Promise<CachedToken> {
    const scopeProject = this.#login!.projectId ?? ctx.projectId;
    const key = `${ctx.tokenUrl}|${scopeProject}`;
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAtMs - RENEW_BEFORE_MS > ctx.now()) return cached;
    let pending = this.#pending.get(key);
    if (!pending) {
      const body = JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: this.#login!.userName, password: this.#login!.password, domain: { name: this.#login!.domainName } } },
          },
          scope: { project: { id: scopeProject } },
        },
      });
      pending = ctx
        .login(ctx.tokenUrl, body, ctx.signal)
        .then((r) => {
          const expiresAtMs = r.expiresAt && !Number.isNaN(r.expiresAt.getTime()) ? r.expiresAt.getTime() : ctx.now() + DEFAULT_TOKEN_TTL_MS;
          const fresh = { token: r.token, expiresAtMs };
          this.#tokens.set(key, fresh);
          return fresh;
        })
        .finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }
}
