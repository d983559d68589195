/**
 * Test controls (docs/architecture.md ADR 4): scripted faults, the request log, throttling,
 * and their HTTP form under `/__emulator/` for processes other than the test itself.
 */
import type { WireCbrCheckpoint } from '../contract/cbr-wire';
import { CBR_CODES, CBR_OPERATIONS } from '../contract/cbr-wire';
import type { WireJob } from '../contract/wire';
import { OPERATIONS } from '../contract/wire';
import { isCbrOperation } from './cbr-routes';
import { EmulatorHttpError, HandlerResult, cbrError, gatewayError, serviceError } from './errors';
import type { EmulatorOperation, Fault, FinishJobsFilter, FinishedJobs, RecordedRequest, RequestFilter, ScheduledVaultRun } from './types';
import { describe } from './validation';

/**
 * Request log entries kept: the newest 10,000; older ones are dropped (a ring, so recording
 * costs the same however long the emulator runs). `executeCount()` is kept apart and counts
 * every execute since the start or the last reset.
 */
export const MAX_LOG_ENTRIES = 10_000;
const CONTROL_CODE = 'EMULATOR.0001';

/** A fault with its remaining uses. */
interface PendingFault {
  readonly fault: Fault;
  remaining: number;
}

/** Faults in the order they were added; the first match is used. */
export class FaultQueue {
  private faults: PendingFault[] = [];

  /** Validates and queues a fault; throws a message naming the bad field. */
  add(raw: unknown): void {
    this.faults.push({ fault: validateFault(raw), remaining: (raw as Fault).times ?? 1 });
  }

  /**
   * Takes one use of the first fault for this operation (and policy, and vault), if any.
   * `vaultId` is asked for only when a fault names a vault (for a checkpoint it is read from the body).
   */
  take(operation: EmulatorOperation, policyId: string | undefined, vaultId: () => string | undefined): Fault | undefined {
    if (this.faults.length === 0) return undefined;
    let vault: string | undefined | null = null;
    const vaultMatches = (wanted: string): boolean => {
      if (vault === null) vault = vaultId()?.toLowerCase();
      return vault === wanted.toLowerCase();
    };
    const i = this.faults.findIndex((f) => f.fault.operation === operation && (f.fault.policyId === undefined || f.fault.policyId === policyId)
      && (f.fault.vaultId === undefined || vaultMatches(f.fault.vaultId)));
    if (i < 0) return undefined;
    const pending = this.faults[i];
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.faults.splice(i, 1);
    return pending.fault;
  }

  clear(): void {
    this.faults = [];
  }
}

function validateFault(raw: unknown): Fault {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw controlError(`a fault must be a JSON object, got ${describe(raw)}`);
  const f = raw as Record<string, unknown>;
  const names = [...Object.keys(OPERATIONS), ...Object.keys(CBR_OPERATIONS)];
  if (typeof f.operation !== 'string' || !names.includes(f.operation)) {
    throw controlError(`fault.operation must be one of ${names.join(', ')}, got ${describe(f.operation)}`);
  }
  const check = (ok: boolean, field: string, allowed: string): void => {
    if (!ok) throw controlError(`fault.${field} must be ${allowed}, got ${describe(f[field])}`);
  };
  check(f.policyId === undefined || typeof f.policyId === 'string', 'policyId', 'a string');
  check(f.vaultId === undefined || typeof f.vaultId === 'string', 'vaultId', 'a string');
  check(f.backupStatus === undefined || f.backupStatus === 'error', 'backupStatus', '"error"');
  check(f.times === undefined || (Number.isInteger(f.times) && (f.times as number) >= 1), 'times', 'an integer >= 1');
  check(f.status === undefined || (Number.isInteger(f.status) && (f.status as number) >= 100 && (f.status as number) <= 599), 'status', 'an HTTP status 100-599');
  check(f.delayMs === undefined || (Number.isInteger(f.delayMs) && (f.delayMs as number) >= 0 && (f.delayMs as number) <= 600_000), 'delayMs', 'an integer from 0 to 600000');
  check(f.drop === undefined || f.drop === 'before' || f.drop === 'after', 'drop', '"before" or "after"');
  check(f.jobStatus === undefined || f.jobStatus === 'EXECUTE_FAIL' || f.jobStatus === 'EXECUTE_TIMEOUT', 'jobStatus', '"EXECUTE_FAIL" or "EXECUTE_TIMEOUT"');
  check(f.failReason === undefined || typeof f.failReason === 'string', 'failReason', 'a string');
  check(f.afterProcessing === undefined || typeof f.afterProcessing === 'boolean', 'afterProcessing', 'true or false');
  if (f.afterProcessing === true && f.status === undefined) throw controlError('fault.afterProcessing needs a status to answer with');
  if (f.jobStatus !== undefined && f.operation !== 'executePolicy') throw controlError('fault.jobStatus only applies to operation executePolicy');
  if (f.backupStatus !== undefined && f.operation !== 'createCheckpoint' && f.operation !== 'restoreBackup') throw controlError('fault.backupStatus only applies to operations createCheckpoint (its backups end error) and restoreBackup (its restore task ends failed)');
  return { ...(f as unknown as Fault) };
}

/** The response a fault with a `status` sends; the body defaults to an error in the fitting shape. */
export function faultResponse(fault: Fault, operation: EmulatorOperation, requestId: string): HandlerResult {
  const status = fault.status ?? 500;
  if (fault.body !== undefined) return { status, body: fault.body };
  if (status < 400) return { status };
  const message = `Injected fault: HTTP ${status} for operation ${operation}`;
  if (status === 429) return { status, body: gatewayError(429, 'APIGW.0308', `The throttling threshold has been reached (${message})`).toBody(requestId) };
  if (status === 401 || status === 403) return { status, body: gatewayError(status, status === 401 ? 'APIGW.0301' : 'APIGW.0306', message).toBody(requestId) };
  if (isCbrOperation(operation)) {
    return { status, body: cbrError(status >= 500 ? CBR_CODES.unknown : CBR_CODES.invalidParameter, message, status).toBody(requestId) };
  }
  return { status, body: serviceError('AutoBackup.0009', message, status).toBody(requestId) };
}

/** Fixed one-second window rate limit; 0 = off. */
export class Throttle {
  private perSecond = 0;
  private window = -1;
  private used = 0;

  set(perSecond: number): void {
    if (!Number.isInteger(perSecond) || perSecond < 0) throw controlError(`perSecond must be an integer >= 0 (0 turns throttling off), got ${describe(perSecond)}`);
    this.perSecond = perSecond;
    this.used = 0;
  }

  /** Throws 429 `APIGW.0308` when this request is over the rate. */
  check(now: number): void {
    if (this.perSecond === 0) return;
    const window = Math.floor(now / 1000);
    if (window !== this.window) {
      this.window = window;
      this.used = 0;
    }
    this.used += 1;
    if (this.used > this.perSecond) {
      throw gatewayError(429, 'APIGW.0308', `The throttling threshold has been reached: policy user over ratelimit,limit:${this.perSecond},time:1 second`);
    }
  }
}

/** A request as logged: like `RecordedRequest` with the time as epoch ms (formatted when listed). */
export type LogEntry = Omit<RecordedRequest, 'seq' | 'time'> & { readonly time: number };

interface StoredEntry extends LogEntry {
  readonly seq: number;
}

/**
 * The request log, a ring of the newest `MAX_LOG_ENTRIES` requests, with a per-policy count
 * of successful executes.
 */
export class RequestLog {
  private ring: StoredEntry[] = [];
  /** Index of the oldest entry once the ring is full. */
  private head = 0;
  private seq = 0;
  private executes = new Map<string, number>();
  private executeTotal = 0;
  private checkpoints = new Map<string, number>();
  private checkpointTotal = 0;

  record(entry: LogEntry): void {
    const e: StoredEntry = {
      seq: ++this.seq, time: entry.time, method: entry.method, path: entry.path, operation: entry.operation,
      projectId: entry.projectId, policyId: entry.policyId, vaultId: entry.vaultId, checkpointId: entry.checkpointId, status: entry.status,
    };
    if (this.ring.length < MAX_LOG_ENTRIES) {
      this.ring.push(e);
    } else {
      this.ring[this.head] = e;
      this.head = (this.head + 1) % MAX_LOG_ENTRIES;
    }
    if (e.operation === 'executePolicy' && e.status === 204) {
      this.executeTotal += 1;
      if (e.policyId !== undefined) this.executes.set(e.policyId, (this.executes.get(e.policyId) ?? 0) + 1);
    } else if (e.operation === 'createCheckpoint' && e.status === 200) {
      this.checkpointTotal += 1;
      if (e.vaultId !== undefined) this.checkpoints.set(e.vaultId, (this.checkpoints.get(e.vaultId) ?? 0) + 1);
    }
  }

  /** Matching entries, oldest first, as fresh objects (absent ids are left out). */
  list(filter: RequestFilter = {}): RecordedRequest[] {
    const out: RecordedRequest[] = [];
    const n = this.ring.length;
    for (let k = 0; k < n; k++) {
      const e = this.ring[(this.head + k) % n];
      if ((filter.operation !== undefined && e.operation !== filter.operation) || (filter.policyId !== undefined && e.policyId !== filter.policyId)
        || (filter.vaultId !== undefined && e.vaultId !== filter.vaultId) || (filter.checkpointId !== undefined && e.checkpointId !== filter.checkpointId)) continue;
      const r: { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] } = {
        seq: e.seq, time: new Date(e.time).toISOString(), method: e.method, path: e.path, operation: e.operation, status: e.status,
      };
      if (e.projectId !== undefined) r.projectId = e.projectId;
      if (e.policyId !== undefined) r.policyId = e.policyId;
      if (e.vaultId !== undefined) r.vaultId = e.vaultId;
      if (e.checkpointId !== undefined) r.checkpointId = e.checkpointId;
      out.push(r);
    }
    return out;
  }

  executeCount(policyId?: string): number {
    return policyId === undefined ? this.executeTotal : this.executes.get(policyId) ?? 0;
  }

  checkpointCount(vaultId?: string): number {
    return vaultId === undefined ? this.checkpointTotal : this.checkpoints.get(vaultId.toLowerCase()) ?? 0;
  }

  clear(): void {
    this.ring = [];
    this.head = 0;
    this.seq = 0;
    this.executes = new Map();
    this.executeTotal = 0;
    this.checkpoints = new Map();
    this.checkpointTotal = 0;
  }
}

/** What the HTTP control surface acts on. */
export interface ControlTarget {
  requests(filter: RequestFilter): RecordedRequest[];
  addFault(fault: Fault): void;
  clearFaults(): void;
  setThrottle(perSecond: number): void;
  startScheduledRun(projectId: string, policyId: string, options?: { jobSeconds?: number }): WireJob[];
  startVaultRun(run: ScheduledVaultRun): WireCbrCheckpoint;
  reset(): void;
  finishJobs(filter: FinishJobsFilter): FinishedJobs;
  state(): unknown;
}

/** The control calls, as `GET /__emulator/` lists them. */
export const CONTROL_CALLS: ReadonlyArray<{ readonly method: string; readonly path: string; readonly description: string }> = [
  { method: 'GET', path: '/__emulator/', description: 'this list' },
  { method: 'GET', path: '/__emulator/requests', description: 'the request log, oldest first; query operation=<name>, policyId=<id>, vaultId=<id> and checkpointId=<id> filter it' },
  { method: 'POST', path: '/__emulator/faults', description: 'queue a fault (JSON body: operation, policyId, vaultId, times, status, body, delayMs, drop, jobStatus, backupStatus, failReason, afterProcessing)' },
  { method: 'DELETE', path: '/__emulator/faults', description: 'drop every queued fault' },
  { method: 'POST', path: '/__emulator/throttle', description: 'answer 429 APIGW.0308 over a rate (JSON body: perSecond; 0 turns it off)' },
  { method: 'POST', path: '/__emulator/scheduled-run', description: 'start a run as the schedule would, refused with AutoBackup.0225 while a run is unfinished; not logged or counted as an execute (JSON body: projectId, policyId, jobSeconds); or an automatic backup of a CBR vault (JSON body: projectId, vaultId, jobSeconds, backupStatus)' },
  { method: 'POST', path: '/__emulator/finish-jobs', description: 'end the running VBS jobs and CBR checkpoints, backups and tasks now, with their final status (JSON body, every field optional: projectId, policyId, vaultId); answers how many ended' },
  { method: 'POST', path: '/__emulator/reset', description: 'back to the start: no policies but the default ones of the projects given at start, no CBR data but the seeded vaults, an empty request log, no faults, no throttle' },
  { method: 'GET', path: '/__emulator/state', description: 'every project with its policies (volumes, tags and jobs included), and the CBR vaults, policies, checkpoints, backups and tasks under "cbr"' },
];

/** Handles `/__emulator/<name>`; `body` is the parsed JSON body (undefined when empty). */
export function handleControl(target: ControlTarget, method: string, name: string, query: URLSearchParams, body: unknown): HandlerResult {
  const route = `${method} ${name}`;
  switch (route) {
    case 'GET ':
      return { status: 200, body: { calls: CONTROL_CALLS } };
    case 'GET requests': {
      const operation = query.get('operation') ?? undefined;
      const policyId = query.get('policyId') ?? undefined;
      const vaultId = query.get('vaultId') ?? undefined;
      const checkpointId = query.get('checkpointId') ?? undefined;
      return { status: 200, body: { requests: target.requests({ operation: operation as EmulatorOperation | undefined, policyId, vaultId, checkpointId }) } };
    }
    case 'POST faults':
      target.addFault(body as Fault);
      return { status: 201, body: { added: body } };
    case 'DELETE faults':
      target.clearFaults();
      return { status: 204 };
    case 'POST throttle': {
      const perSecond = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).perSecond : undefined;
      target.setThrottle(perSecond as number);
      return { status: 200, body: { perSecond } };
    }
    case 'POST scheduled-run': {
      const b = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
      if (typeof b.projectId === 'string' && typeof b.vaultId === 'string' && b.policyId === undefined) {
        const checkpoint = target.startVaultRun({
          projectId: b.projectId, vaultId: b.vaultId, jobSeconds: b.jobSeconds as number | undefined, backupStatus: b.backupStatus as 'error' | undefined,
        });
        return { status: 201, body: { checkpoint } };
      }
      if (typeof b.projectId !== 'string' || typeof b.policyId !== 'string') {
        throw controlError(`scheduled-run needs {"projectId": "...", "policyId": "...", "jobSeconds"?: n} or {"projectId": "...", "vaultId": "...", "jobSeconds"?: n, "backupStatus"?: "error"}, got ${describe(body)}`);
      }
      const jobs = target.startScheduledRun(b.projectId, b.policyId, b.jobSeconds === undefined ? {} : { jobSeconds: b.jobSeconds as number });
      return { status: 201, body: { jobs } };
    }
    case 'POST finish-jobs': {
      if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
        throw controlError(`finish-jobs takes an optional JSON object {"projectId"?, "policyId"?, "vaultId"?}, got ${describe(body)}`);
      }
      return { status: 200, body: { finished: target.finishJobs((body ?? {}) as FinishJobsFilter) } };
    }
    case 'POST reset':
      target.reset();
      return { status: 204 };
    case 'GET state':
      return { status: 200, body: target.state() };
    default:
      throw gatewayError(404, 'APIGW.0101',
        `No control call ${method} /__emulator/${name.slice(0, 64)}; available: ${CONTROL_CALLS.map((c) => `${c.method} ${c.path}`).join(', ')}`);
  }
}

function controlError(message: string): EmulatorHttpError {
  return serviceError(CONTROL_CODE, message, 400);
}
