/**
 * `startEmulator()`: the VBS v2 policy API and the CBR v3 API on loopback (node:http only),
 * sharing auth, faults, the request log and the state file. Each request goes
 * through routing (404), the body limit (413), authentication (401/403), throttling (429),
 * scripted faults, transport validation (415/400) and finally the handler; mutations are
 * written to the state file before the response is sent.
 */
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { WireCbrBackup, WireCbrCheckpoint, WireCbrVault } from '../contract/cbr-wire';
import { POLICY_NAME_PATTERN, PROJECT_ID_PATTERN, UUID_PATTERN, VOLUME_ID_PATTERN, WireJob, isReservedPolicyName } from '../contract/wire';
import { Auth } from './auth';
import type { AllBusyCode, BackupOutcome, NameFilter } from './cbr-backups';
import { ALL_BUSY_CODES, FinishedCbr, backupToWire, checkpointToWire, createCheckpoint, finishCbr } from './cbr-backups';
import { CbrStore, vaultToWire } from './cbr-store';
import { ControlTarget, FaultQueue, RequestLog, Throttle, faultResponse, handleControl } from './control';
import { CODES, EmulatorHttpError, cbrError, gatewayError, serviceError } from './errors';
import { flatHeaders, parseJsonBody, readBody, send, splitUrl } from './http-io';
import { requestId as newRequestId } from './ids';
import { BUSY_STATUSES, RunOutcome, executePolicy, finishPolicyJobs, jobToWire } from './jobs';
import { RouteMatch, handleApi, matchRoute } from './routes';
import { loadState, saveState } from './state-file';
import { MAX_VOLUMES_PER_POLICY, Store } from './store';
import type {
  Emulator, EmulatorOperation, EmulatorOptions, EmulatorPolicySeed, EmulatorVaultSeed, Fault, FinishJobsFilter, FinishedJobs, RecordedRequest, RequestFilter, ScheduledVaultRun,
} from './types';
import { assertNoAngleBrackets } from './validation';

const CONTROL_PREFIX = '/__emulator/';
/** How the jobs of a run end when no fault says otherwise. */
const SUCCESS: RunOutcome = { final: 'EXECUTE_SUCCESS' };
const BACKUP_SUCCESS: BackupOutcome = { final: 'available' };

/** What the log learns about a request while it is handled. */
interface Pending {
  readonly time: number;
  readonly method: string;
  readonly path: string;
  operation: EmulatorOperation | 'unknown';
  projectId?: string;
  policyId?: string;
  vaultId?: string;
  checkpointId?: string;
}
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Starts an emulator; resolves once it listens. Rejects on bad options or a corrupt state file. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  if (!options.allowRemote && !LOOPBACK.has(host) && !host.startsWith('127.')) {
    throw new Error(`Emulator host "${host}" is not a loopback address; use 127.0.0.1, ::1 or localhost, or set allowRemote: true`);
  }
  const port = options.port ?? 0;
  checkNumber(port, 'port', 0, 65535, true);
  const jobSeconds = options.jobSeconds ?? 2;
  checkNumber(jobSeconds, 'jobSeconds', 0, 86400, false);
  const maxPolicies = options.maxPolicies ?? 32;
  checkNumber(maxPolicies, 'maxPolicies', 1, 100000, true);
  if (options.busyStatus !== undefined && !BUSY_STATUSES.includes(options.busyStatus)) {
    throw new Error(`Emulator option busyStatus must be 400 or 409, got ${String(options.busyStatus)}`);
  }
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 86400;
  checkNumber(tokenTtlSeconds, 'tokenTtlSeconds', 1, 10 * 365 * 86400, false);
  if (options.cbrAllBusy !== undefined && !ALL_BUSY_CODES.includes(options.cbrAllBusy)) {
    throw new Error(`Emulator option cbrAllBusy must be one of ${ALL_BUSY_CODES.join(', ')}, got ${String(options.cbrAllBusy)}`);
  }
  if (options.cbrNameFilter !== undefined && options.cbrNameFilter !== 'substring' && options.cbrNameFilter !== 'exact') {
    throw new Error(`Emulator option cbrNameFilter must be "substring" or "exact", got ${String(options.cbrNameFilter)}`);
  }
  checkSeeds(options.vaults ?? []);
  checkPolicySeeds(options.policies ?? []);

  const runtime = new Runtime(options, maxPolicies, jobSeconds * 1000, tokenTtlSeconds * 1000);
  const server = createServer((req, res) => void runtime.onRequest(req, res));
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;
  server.on('connection', (socket) => runtime.track(socket));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => clientError(err, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return runtime.facade(server, host, boundPort);
}

/** Seeded vaults: a name of 1-64 characters, 1-256 UUIDs, each resource in one vault of a project. */
function checkSeeds(seeds: readonly EmulatorVaultSeed[]): void {
  const owners = new Map<string, string>();
  for (const [i, seed] of seeds.entries()) {
    const at = `Emulator option vaults[${i}]`;
    if (typeof seed?.name !== 'string' || seed.name.length < 1 || seed.name.length > 64) throw new Error(`${at}.name must be 1-64 characters, got ${JSON.stringify(seed?.name)}`);
    if (!Array.isArray(seed.resourceIds) || seed.resourceIds.length < 1 || seed.resourceIds.length > 256) {
      throw new Error(`${at}.resourceIds must list 1-256 disk ids (UUIDs), got ${JSON.stringify(seed.resourceIds)}`);
    }
    if (seed.projectId !== undefined && !/^[0-9a-f]{32}$/i.test(seed.projectId)) throw new Error(`${at}.projectId must be 32 hex digits, got ${JSON.stringify(seed.projectId)}`);
    for (const id of seed.resourceIds) {
      if (typeof id !== 'string' || !UUID_PATTERN.test(id)) throw new Error(`${at}: resource id ${JSON.stringify(id)} is not a UUID (8-4-4-4-12 hex digits)`);
      const key = id.toLowerCase();
      const other = owners.get(key);
      if (other !== undefined) throw new Error(`${at}: resource ${id} is already in seeded vault "${other}"; a resource can be in one vault only`);
      owners.set(key, seed.name);
    }
  }
}

/** Seeded policies: a policy name as VBS allows it, 1-200 volume ids, each volume in one policy of a project. */
function checkPolicySeeds(seeds: readonly EmulatorPolicySeed[]): void {
  const owners = new Map<string, string>();
  for (const [i, seed] of seeds.entries()) {
    const at = `Emulator option policies[${i}]`;
    if (typeof seed?.name !== 'string' || !POLICY_NAME_PATTERN.test(seed.name) || isReservedPolicyName(seed.name)) {
      throw new Error(`${at}.name must be 1-64 of A-Z a-z 0-9 _ -, not starting with "default", got ${JSON.stringify(seed?.name)}`);
    }
    if (!Array.isArray(seed.volumeIds) || seed.volumeIds.length < 1 || seed.volumeIds.length > MAX_VOLUMES_PER_POLICY) {
      throw new Error(`${at}.volumeIds must list 1-${MAX_VOLUMES_PER_POLICY} volume ids, got ${JSON.stringify(seed.volumeIds)}`);
    }
    if (seed.projectId !== undefined && !PROJECT_ID_PATTERN.test(seed.projectId)) throw new Error(`${at}.projectId must be 32 hex digits, got ${JSON.stringify(seed.projectId)}`);
    for (const id of seed.volumeIds) {
      if (typeof id !== 'string' || !VOLUME_ID_PATTERN.test(id)) throw new Error(`${at}: volume id ${JSON.stringify(id)} is not 1-64 of A-Z a-z 0-9 _ -`);
      const key = `${seed.projectId ?? '*'}/${id}`;
      const other = owners.get(key);
      if (other !== undefined) throw new Error(`${at}: volume ${id} is already in seeded policy "${other}"; a volume can be in one policy only`);
      owners.set(key, seed.name);
    }
  }
}

function checkNumber(value: number, name: string, min: number, max: number, integer: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new Error(`Emulator option ${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${String(value)}`);
  }
}

/** Malformed HTTP (header overflow, bad request line): answer in the gateway shape and close. */
function clientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify(gatewayError(status, CODES.requestError, tooLarge ? 'Request header fields (or URI) too large' : 'Malformed HTTP request').toBody(newRequestId()));
  socket.end(`HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json;charset=UTF-8\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The emulator's live parts; `facade()` gives the public object. */
class Runtime implements ControlTarget {
  private readonly store: Store;
  private readonly cbr: CbrStore;
  private readonly auth: Auth;
  private readonly faults = new FaultQueue();
  private readonly throttle = new Throttle();
  private readonly log = new RequestLog();
  private readonly sockets = new Set<Socket>();
  private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private stopped = false;
  /** Status of an execute refused with AutoBackup.0225. */
  private readonly busyStatus: number;

  constructor(private readonly options: EmulatorOptions, maxPolicies: number, private readonly jobMs: number, tokenTtlMs: number) {
    this.busyStatus = options.busyStatus ?? 409;
    this.store = new Store(maxPolicies, options.policies ?? []);
    this.cbr = new CbrStore(options.vaults ?? []);
    this.auth = new Auth(options, tokenTtlMs);
    if (options.stateFile !== undefined) {
      const loaded = loadState(options.stateFile);
      if (loaded) {
        this.store.fromData(loaded.projects);
        // State files written before CBR have no "cbr" key.
        if (loaded.cbr !== undefined) this.cbr.fromData(loaded.cbr);
        this.auth.restoreIssued(loaded.issuedTokens);
      }
    }
    this.seedProjects();
    this.persist();
  }

  track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    res.setHeader('X-Request-Id', requestId);
    const rawUrl = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (rawUrl.startsWith(CONTROL_PREFIX)) return this.onControl(req, res, rawUrl, requestId);
    const q = rawUrl.indexOf('?');
    const entry: Pending = { time: Date.now(), method, path: (q < 0 ? rawUrl : rawUrl.slice(0, q)).slice(0, 2048), operation: 'unknown' };
    let fault: Fault | undefined;
    let rawBody: Buffer | undefined;
    try {
      const url = splitUrl(rawUrl);
      const route = matchRoute(method, url.segments);
      entry.operation = route.operation;
      entry.projectId = route.projectId;
      entry.policyId = route.policyId;
      entry.vaultId = route.vaultId;
      const reading = readBody(req);
      const body = reading instanceof Buffer ? reading : await reading;
      rawBody = body;
      const headers = flatHeaders(req);
      if (route.operation !== 'createToken') {
        this.auth.authenticate({ method, path: url.path, query: url.query, headers, body }, route.projectId as string, Date.now());
      }
      this.throttle.check(Date.now());
      // A checkpoint names its vault in its body: read only when a fault names a vault.
      fault = this.faults.take(route.operation, route.policyId, () => entry.vaultId ?? this.bodyVault(entry, body));
      if (fault?.delayMs) await this.wait(fault.delayMs);
      if (this.stopped) return;
      if (fault !== undefined) {
        if (fault.drop === 'before') {
          this.bodyVault(entry, body);
          this.record(entry, 0);
          res.socket?.destroy();
          return;
        }
        if (fault.status !== undefined && !fault.afterProcessing) {
          this.bodyVault(entry, body);
          const injected = faultResponse(fault, route.operation, requestId);
          this.record(entry, injected.status);
          send(res, injected.status, injected.body);
          return;
        }
      }
      const parsed = this.transportChecks(route, url.segments, url.query, body, headers['content-type']);
      const outcome: RunOutcome = fault?.jobStatus ? { final: fault.jobStatus, failReason: fault.failReason } : SUCCESS;
      const backupOutcome: BackupOutcome = fault?.backupStatus ? { final: fault.backupStatus, failReason: fault.failReason } : BACKUP_SUCCESS;
      const result = handleApi({
        store: this.store, auth: this.auth, now: Date.now(), jobMs: this.jobMs, outcome, busyStatus: this.busyStatus,
        cbr: { store: this.cbr, outcome: backupOutcome, allBusy: this.allBusy, nameFilter: this.nameFilter },
      }, route, url.query, parsed);
      if (result.policyId !== undefined) entry.policyId = result.policyId;
      if (result.projectId !== undefined) entry.projectId = result.projectId;
      if (result.vaultId !== undefined) entry.vaultId = result.vaultId;
      if (result.checkpointId !== undefined) entry.checkpointId = result.checkpointId;
      if (route.mutates) this.persist();
      this.record(entry, result.status);
      if (fault?.drop === 'after') {
        res.socket?.destroy();
        return;
      }
      if (fault?.status !== undefined) {
        // afterProcessing: the change is made, the client is told it failed.
        const injected = faultResponse(fault, route.operation, requestId);
        send(res, injected.status, injected.body);
        return;
      }
      send(res, result.status, result.body, result.headers);
    } catch (err) {
      const error = toHttpError(err, isCbrPath(entry.path));
      if (rawBody !== undefined) this.bodyVault(entry, rawBody);
      this.record(entry, error.status);
      if (fault?.drop === 'after') {
        res.socket?.destroy();
        return;
      }
      send(res, error.status, error.toBody(requestId));
    }
  }

  /** For a checkpoint not (yet) made: the vault its body names, kept in the log entry (refused checkpoints are logged with their vault). */
  private bodyVault(entry: Pending, body: Buffer): string | undefined {
    if (entry.operation === 'createCheckpoint' && entry.vaultId === undefined) entry.vaultId = checkpointVault(body);
    return entry.vaultId;
  }

  private record(entry: Pending, status: number): void {
    this.log.record({
      time: entry.time, method: entry.method, path: entry.path, operation: entry.operation, projectId: entry.projectId, policyId: entry.policyId,
      vaultId: entry.vaultId, checkpointId: entry.checkpointId, status,
    });
  }

  /** Content type, JSON and `<`/`>` checks that come after authentication. */
  private transportChecks(route: RouteMatch, segments: string[], query: [string, string][], body: Buffer, contentType?: string): unknown {
    const isLogin = route.operation === 'createToken';
    // CBR has no rule against '<' and '>' in general (only in some descriptions).
    if (route.cbr !== undefined) return parseJsonBody(body, contentType, true);
    if (!isLogin) {
      if (segments.some(hasAngleBracket)) assertNoAngleBrackets(segments, 'the request path');
      if (query.some((pair) => hasAngleBracket(pair[0]) || hasAngleBracket(pair[1]))) assertNoAngleBrackets(query.flat(), 'the query string');
    }
    return parseJsonBody(body, contentType, isLogin);
  }

  private async onControl(req: IncomingMessage, res: ServerResponse, rawUrl: string, requestId: string): Promise<void> {
    try {
      const url = splitUrl(rawUrl);
      const reading = readBody(req);
      const body = parseJsonBody(reading instanceof Buffer ? reading : await reading, req.headers['content-type'], true);
      const result = handleControl(this, req.method ?? 'GET', url.segments.slice(1).join('/'), new URLSearchParams(url.query), body);
      send(res, result.status, result.body);
    } catch (err) {
      const error = toHttpError(err, false);
      send(res, error.status, error.toBody(requestId));
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => { this.waits.delete(entry); resolve(); }, ms), resolve };
      this.waits.add(entry);
    });
  }

  private persist(): void {
    if (this.options.stateFile !== undefined) saveState(this.options.stateFile, this.store.toData(), this.auth.issuedTokens(Date.now()), this.cbr.toData());
  }

  private seedProjects(): void {
    for (const projectId of this.options.projectIds ?? []) this.store.project(projectId);
    this.store.seedAll();
    this.cbr.seedAll();
  }

  private get allBusy(): AllBusyCode {
    return this.options.cbrAllBusy ?? '6125';
  }

  private get nameFilter(): NameFilter {
    return this.options.cbrNameFilter ?? 'substring';
  }

  requests(filter: RequestFilter = {}): RecordedRequest[] {
    return this.log.list(filter);
  }

  addFault(fault: Fault): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setThrottle(perSecond: number): void {
    this.throttle.set(perSecond);
  }

  reset(): void {
    this.store.clear();
    this.cbr.clear();
    this.seedProjects();
    this.log.clear();
    this.faults.clear();
    this.throttle.set(0);
    this.persist();
  }

  startScheduledRun(projectId: string, policyId: string, options: { jobSeconds?: number } = {}): WireJob[] {
    const policy = this.store.peekProject(projectId)?.policies.get(policyId);
    if (!policy) throw serviceError(CODES.policyNotFound, `backup policy ${policyId.slice(0, 64)} does not exist in project ${projectId.slice(0, 64)}`, 404);
    const jobSeconds = options.jobSeconds;
    if (jobSeconds !== undefined && (typeof jobSeconds !== 'number' || !Number.isFinite(jobSeconds) || jobSeconds < 0 || jobSeconds > 86400)) {
      throw serviceError('EMULATOR.0001', `jobSeconds must be a number from 0 to 86400, got ${JSON.stringify(jobSeconds)}`, 400);
    }
    const now = Date.now();
    const jobs = executePolicy(policy, now, jobSeconds === undefined ? this.jobMs : jobSeconds * 1000, SUCCESS, this.busyStatus);
    this.persist();
    return jobs.map((j) => jobToWire(j, now));
  }

  startVaultRun(run: ScheduledVaultRun): WireCbrCheckpoint {
    const b = run !== null && typeof run === 'object' ? run : ({} as ScheduledVaultRun);
    if (typeof b.projectId !== 'string' || typeof b.vaultId !== 'string') {
      throw serviceError('EMULATOR.0001', `a vault run needs {projectId, vaultId, jobSeconds?, backupStatus?}, got ${JSON.stringify(run)?.slice(0, 80)}`, 400);
    }
    const p = this.cbr.peekProject(b.projectId);
    const vault = p?.vaults.get(b.vaultId.toLowerCase());
    if (!p || !vault) throw cbrError('BackupService.6105', `Vault ${b.vaultId.slice(0, 64)} does not exist in project ${b.projectId.slice(0, 64)}`, 404);
    const jobSeconds = b.jobSeconds;
    if (jobSeconds !== undefined && (typeof jobSeconds !== 'number' || !Number.isFinite(jobSeconds) || jobSeconds < 0 || jobSeconds > 86400)) {
      throw serviceError('EMULATOR.0001', `jobSeconds must be a number from 0 to 86400, got ${JSON.stringify(jobSeconds)}`, 400);
    }
    if (b.backupStatus !== undefined && b.backupStatus !== 'available' && b.backupStatus !== 'error') {
      throw serviceError('EMULATOR.0001', `backupStatus must be "available" or "error", got ${JSON.stringify(b.backupStatus)}`, 400);
    }
    const now = Date.now();
    const checkpoint = createCheckpoint(p, vault, { vaultId: vault.id, auto: true, incremental: true }, {
      now, jobMs: jobSeconds === undefined ? this.jobMs : jobSeconds * 1000,
      outcome: b.backupStatus === 'error' ? { final: 'error', failReason: 'Injected fault (scheduled run)' } : BACKUP_SUCCESS,
      allBusy: this.allBusy,
    });
    this.persist();
    return checkpointToWire(p, checkpoint, now);
  }

  finishJobs(filter: FinishJobsFilter = {}): FinishedJobs {
    const f = filter !== null && typeof filter === 'object' ? filter : {};
    for (const key of ['projectId', 'policyId', 'vaultId'] as const) {
      if (f[key] !== undefined && typeof f[key] !== 'string') {
        throw serviceError('EMULATOR.0001', `finishJobs: ${key} must be a string, got ${JSON.stringify(f[key])?.slice(0, 80)}`, 400);
      }
    }
    const now = Date.now();
    let jobs = 0;
    const cbr: FinishedCbr = { checkpoints: 0, backups: 0, tasks: 0 };
    if (f.vaultId === undefined) {
      for (const project of this.store.allProjects()) {
        if (f.projectId !== undefined && project.id !== f.projectId) continue;
        for (const policy of project.policies.values()) {
          if (f.policyId === undefined || policy.id === f.policyId) jobs += finishPolicyJobs(policy, now);
        }
      }
    }
    if (f.policyId === undefined) {
      for (const project of this.cbr.allProjects()) {
        if (f.projectId === undefined || project.id === f.projectId) finishCbr(project, now, f.vaultId?.toLowerCase(), cbr);
      }
    }
    if (jobs + cbr.checkpoints + cbr.backups + cbr.tasks > 0) this.persist();
    return { jobs, ...cbr };
  }

  vaults(projectId: string): WireCbrVault[] {
    const p = this.cbr.peekProject(projectId);
    const now = Date.now();
    return p ? [...p.vaults.values()].map((v) => vaultToWire(p, v, now)) : [];
  }

  backups(projectId: string, vaultId?: string): WireCbrBackup[] {
    const p = this.cbr.peekProject(projectId);
    const now = Date.now();
    if (!p) return [];
    return [...p.backups.values()].filter((b) => vaultId === undefined || b.vaultId === vaultId.toLowerCase()).map((b) => backupToWire(p, b, now));
  }

  jobs(projectId: string, policyId: string): WireJob[] {
    const now = Date.now();
    const policy = this.store.peekProject(projectId)?.policies.get(policyId);
    return policy ? policy.jobs.map((j) => jobToWire(j, now)) : [];
  }

  state(): unknown {
    const projects: Record<string, unknown> = {};
    for (const projectId of Object.keys(this.store.toData())) {
      projects[projectId] = { policies: this.store.snapshot(projectId).map((p) => ({ ...p, jobs: this.jobs(projectId, p.backup_policy_id) })) };
    }
    return { projects, cbr: this.cbr.toData() };
  }

  facade(server: Server, host: string, port: number): Emulator {
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const stop = async (): Promise<void> => {
      if (this.stopped) return;
      this.stopped = true;
      for (const w of this.waits) {
        clearTimeout(w.timer);
        w.resolve();
      }
      this.waits.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await closed;
      this.persist();
    };
    return {
      url, host, port,
      requests: (filter) => this.requests(filter),
      executeCount: (policyId) => this.log.executeCount(policyId),
      checkpointCount: (vaultId) => this.log.checkpointCount(vaultId),
      addFault: (fault) => this.addFault(fault),
      clearFaults: () => this.clearFaults(),
      setThrottle: (perSecond) => this.setThrottle(perSecond),
      startScheduledRun: ((target: string | ScheduledVaultRun, policyId?: string, options?: { jobSeconds?: number }) => (typeof target === 'string'
        ? this.startScheduledRun(target, policyId as string, options)
        : this.startVaultRun(target))) as Emulator['startScheduledRun'],
      reset: () => this.reset(),
      finishJobs: (filter) => this.finishJobs(filter),
      policies: (projectId) => this.store.snapshot(projectId),
      jobs: (projectId, policyId) => this.jobs(projectId, policyId),
      vaults: (projectId) => this.vaults(projectId),
      backups: (projectId, vaultId) => this.backups(projectId, vaultId),
      stop,
    };
  }
}

function hasAngleBracket(text: string): boolean {
  return text.includes('<') || text.includes('>');
}

/**
 * Any thrown value as an HTTP error; unexpected ones are a 500 that names the problem. On a CBR
 * path, transport errors in the VBS service shape (415, body not JSON) take CBR's shape:
 * `BackupService.9900`, or `9910` for a 5xx.
 */
function toHttpError(err: unknown, cbr: boolean): EmulatorHttpError {
  const error = err instanceof EmulatorHttpError ? err : serviceError(CODES.internal, `Emulator internal error: ${(err as Error)?.message ?? String(err)}`, 500);
  if (!cbr || error.shape !== 'service') return error;
  return cbrError(error.status >= 500 ? 'BackupService.9910' : 'BackupService.9900', error.message, error.status);
}

/** A `/v3/{project_id}/...` path other than the token call. */
function isCbrPath(path: string): boolean {
  return path.startsWith('/v3/') && !path.startsWith('/v3/auth/');
}

/** `checkpoint.vault_id` of a raw checkpoint body, for faults that name a vault. */
function checkpointVault(body: Buffer): string | undefined {
  try {
    const v = (JSON.parse(body.toString('utf8')) as { checkpoint?: { vault_id?: unknown } })?.checkpoint?.vault_id;
    return typeof v === 'string' && v.length <= 64 ? v.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
