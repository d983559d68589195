/**
 * The service-neutral core under both clients (VbsClient for VBS v2, CbrClient for CBR v3): where
 * requests go, the credentials, the transport, and the one call engine (caller.ts: signing,
 * retries, deadlines, the no-duplicate check, typed errors). A client adds only its operations,
 * the paths they use and the shapes of their answers.
 */
import { Caller, RetryInfo } from './caller';
import { Credentials } from './credentials';
import {
  checkBaseUrl, Cloud, deriveCloud, Env, fromEnv, iamUrlFor, isLoopbackHost, resolveEndpoint, resolveProjectId, resolveRegion, Service, tokenUrl,
} from './endpoints';
import { VbsConfigError } from './errors';
import { retrySchedule, RetryOptions, throttledAttempts } from './retry';
import { Transport, TRANSPORTS, VbsTransport } from './transport';
import { createTransport } from './transports';

/** Options every client takes (VbsClient, CbrClient). */
export interface ClientOptions {
  /** Region, e.g. `eu-de`. @default - HW_REGION_NAME, else OS_REGION_NAME */
  readonly region?: string;
  /** Project id (32 hex). @default - HW_PROJECT_ID, else OS_PROJECT_ID */
  readonly projectId?: string;
  /** Base URL of the service. @default - VBS_ENDPOINT (CbrClient: CBR_ENDPOINT), else derived from cloud and region */
  readonly endpoint?: string;
  /** Host family used to derive URLs (the service's and IAM). @default - VBS_CLOUD, else the region's cloud (Huawei Cloud for a region not known to be another's) */
  readonly cloud?: Cloud;
  /** How to authenticate. @default Credentials.fromEnvironment(env) */
  readonly credentials?: Credentials;
  /** Where to read variables. @default process.env */
  readonly env?: Env;
  /** Bound of one HTTP attempt. @default 30000 */
  readonly attemptTimeoutMs?: number;
  /** Bound of a whole call, retries included, when the call gives no timeoutMs. @default 120000 */
  readonly callTimeoutMs?: number;
  /** Retry schedule. @default - 6 attempts (20 while throttled), 250 ms base, 8000 ms cap */
  readonly retry?: RetryOptions;
  /** Keep-alive connections per origin. @default 32 */
  readonly connections?: number;
  /**
   * The HTTP stack: `undici` (keep-alive pools, for programs that make many calls) or
   * `node-http` (node's own http/https, lighter to load, for one-shot processes such as the CLI).
   * Everything else (signing, retries, errors, timeouts) is the same over both.
   * @default 'undici'
   */
  readonly transport?: VbsTransport;
  /** Random source of the back-off jitter, in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Clock in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Called before every retry, e.g. to print progress. @default - nothing */
  readonly onRetry?: (info: RetryInfo) => void;
  /**
   * How far behind the local clock the server's may be, for an execute's start time; the `Date`
   * of the server's answers can only narrow it.
   * @default 0 for a loopback endpoint (same clock), else 5000
   */
  readonly skewAllowanceMs?: number;
}

/** What a client holds once its options are resolved. */
export class ServiceCore {
  public readonly endpoint: string;
  public readonly projectId: string;
  public readonly region: string | undefined;
  public readonly caller: Caller;
  public readonly now: () => number;
  public readonly random: () => number;
  /** How far behind the server's clock may be (see ClientOptions.skewAllowanceMs). */
  public readonly skewMs: number;
  private readonly http: Transport;

  constructor(service: Service, options: ClientOptions) {
    const env = options.env ?? process.env;
    // Region and cloud go on as given, so an error names where each came from (option or variable).
    const { region, cloud } = options;
    this.region = resolveRegion(region, env);
    this.endpoint = resolveEndpoint({ endpoint: options.endpoint, region, cloud, env, service });
    this.projectId = resolveProjectId(options.projectId, env);
    const credentials = options.credentials ?? Credentials._fromEnvironment(env, service);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    // A loopback server runs on this machine's clock.
    this.skewMs = options.skewAllowanceMs ?? (isLoopbackHost(new URL(this.endpoint).hostname) ? 0 : 5000);
    const connections = options.connections ?? 32;
    if (!Number.isInteger(connections) || connections < 1) throw new VbsConfigError(`option connections is ${connections}; expected an integer >= 1`);
    const transport = options.transport ?? 'undici';
    if (!TRANSPORTS.includes(transport)) throw new VbsConfigError(`option transport is ${JSON.stringify(transport)}; expected one of ${TRANSPORTS.map((t) => `'${t}'`).join(', ')}`);
    this.http = createTransport(transport, { connections });
    let iam: string | undefined;
    this.caller = new Caller({
      endpoint: this.endpoint,
      projectId: this.projectId,
      // Resolved on first login only, so token and AK/SK users never need an IAM URL.
      tokenUrl: () => (iam ??= this.resolveTokenUrl(credentials, { region, cloud, env })),
      credentials,
      http: this.http,
      schedule: retrySchedule(options.retry),
      attemptTimeoutMs: positive(options.attemptTimeoutMs ?? 30_000, 'attemptTimeoutMs'),
      throttledAttempts: throttledAttempts(options.retry),
      callTimeoutMs: positive(options.callTimeoutMs ?? 120_000, 'callTimeoutMs'),
      random: this.random,
      now: this.now,
      onRetry: options.onRetry,
    });
  }

  /** Closes the keep-alive connections. */
  public close(): Promise<void> {
    return this.http.close();
  }

  private resolveTokenUrl(credentials: Credentials, where: { region?: string; cloud?: Cloud; env: Env }): string {
    const env = where.env;
    if (credentials.authUrl) return tokenUrl(credentials.authUrl, 'Credentials.password authUrl');
    const fromVar = fromEnv(env, 'HW_AUTH_URL', 'OS_AUTH_URL');
    if (fromVar) return tokenUrl(fromVar.value, fromVar.name);
    // A loopback endpoint is the emulator, which also serves /v3/auth/tokens.
    if (isLoopbackHost(new URL(this.endpoint).hostname)) return tokenUrl(checkBaseUrl(new URL(this.endpoint).origin, 'endpoint'), 'endpoint');
    const derived = deriveCloud(where);
    return tokenUrl(iamUrlFor(derived, this.region), `derived IAM URL for ${derived}`);
  }
}

/** A client that a {@link SharedClients} cache can hand out and drop. */
interface Closable {
  close(): Promise<void>;
}

/**
 * The `shared()` cache of one client class: one client per (endpoint, project id, credentials
 * identity); later options other than those are ignored.
 */
export class SharedClients<C extends Closable> {
  private readonly clients = new Map<string, C>();
  private readonly keys = new WeakMap<C, string>();

  constructor(private readonly service: Service) {}

  /** The cached client for these options, made with `make` (given the resolved options) on first use. */
  public get<O extends ClientOptions>(options: O, make: (resolved: O) => C): C {
    const env = options.env ?? process.env;
    const endpoint = resolveEndpoint({ ...options, env, service: this.service });
    const projectId = resolveProjectId(options.projectId, env);
    const credentials = options.credentials ?? Credentials._fromEnvironment(env, this.service);
    const key = `${endpoint}|${projectId}|${credentials.identity}`;
    let client = this.clients.get(key);
    if (!client) {
      client = make({ ...options, endpoint, projectId, credentials });
      this.keys.set(client, key);
      this.clients.set(key, client);
    }
    return client;
  }

  /** Forgets `client` if it is the cached one (it is being closed). */
  public drop(client: C): void {
    const key = this.keys.get(client);
    if (key !== undefined && this.clients.get(key) === client) this.clients.delete(key);
  }
}

function positive(n: number, name: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new VbsConfigError(`option ${name} is ${n}; expected a number of milliseconds > 0`);
  return n;
}
