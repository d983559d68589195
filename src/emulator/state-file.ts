/**
 * The emulator's state file: the store plus hashes of issued tokens, written atomically
 * (a temp file in the same folder, then rename) and checked thoroughly when loaded. A file
 * that cannot be read as state is reported and left untouched, never replaced.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { IssuedToken } from './auth';
import type { CbrStoreData } from './cbr-store';
import type { StoreData, StoredJob } from './store';

/** Marker of the file format. */
export const STATE_FORMAT = 'cdktf-vbs-backup-emulator-state';
/** Version of the file format. */
export const STATE_VERSION = 1;

/** Content of the state file. */
export interface StateData {
  readonly format: typeof STATE_FORMAT;
  readonly version: typeof STATE_VERSION;
  readonly savedAt: string;
  readonly projects: StoreData;
  readonly issuedTokens: IssuedToken[];
  /** CBR data per project; absent in files written before the emulator spoke CBR (they still load). */
  readonly cbr?: CbrStoreData;
}

/** Writes the state: temp file beside the target, then rename over it. */
export function saveState(path: string, projects: StoreData, issuedTokens: IssuedToken[], cbr: CbrStoreData = {}): void {
  const data: StateData = { format: STATE_FORMAT, version: STATE_VERSION, savedAt: new Date().toISOString(), projects, issuedTokens, cbr };
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`Emulator could not write its state file ${path}: ${(err as Error).message}`);
  }
}

/** Reads the state file; undefined when it does not exist; throws a clear error when it is not valid state. */
export function loadState(path: string): StateData | undefined {
  if (!existsSync(path)) return undefined;
  const fail = (why: string): never => {
    throw new Error(`Emulator state file ${path} is not valid: ${why}. It was left unchanged; fix it, delete it, or choose another --state-file.`);
  };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return fail(`it cannot be read (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return fail(`it is not JSON (${(err as Error).message})`);
  }
  const problem = checkState(data);
  if (problem) fail(problem);
  return data as StateData;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The first thing wrong with the data, or undefined when it is valid state. */
function checkState(data: unknown): string | undefined {
  if (!isObj(data)) return 'the top level must be a JSON object';
  if (data.format !== STATE_FORMAT) return `"format" must be "${STATE_FORMAT}", got ${JSON.stringify(data.format)}`;
  if (data.version !== STATE_VERSION) return `"version" must be ${STATE_VERSION}, got ${JSON.stringify(data.version)}`;
  if (!isObj(data.projects)) return '"projects" must be an object of project id to policy array';
  for (const [projectId, policies] of Object.entries(data.projects)) {
    if (!Array.isArray(policies)) return `projects.${projectId} must be an array of policies`;
    for (let i = 0; i < policies.length; i++) {
      const problem = checkPolicy(policies[i]);
      if (problem) return `projects.${projectId}[${i}]: ${problem}`;
    }
  }
  if (data.cbr !== undefined) {
    const problem = checkCbr(data.cbr);
    if (problem) return problem;
  }
  if (!Array.isArray(data.issuedTokens)) return '"issuedTokens" must be an array';
  for (const [i, t] of data.issuedTokens.entries()) {
    if (!isObj(t) || !isStr(t.hash) || !/^[0-9a-f]{64}$/.test(t.hash) || !isStr(t.projectId) || !isNum(t.expiresAt)) {
      return `issuedTokens[${i}] must be {hash: 64 hex, projectId, expiresAt: epoch ms}`;
    }
  }
  return undefined;
}

function checkPolicy(p: unknown): string | undefined {
  if (!isObj(p)) return 'must be an object';
  if (!isStr(p.id) || !isStr(p.name)) return '"id" and "name" must be strings';
  if (!isObj(p.scheduled)) return '"scheduled" must be an object';
  if (p.timeZone !== undefined && !isStr(p.timeZone)) return '"timeZone" must be a string';
  if (typeof p.isDefault !== 'boolean') return '"isDefault" must be a boolean';
  if (!Array.isArray(p.volumes) || !p.volumes.every(isStr)) return '"volumes" must be an array of strings';
  if (!Array.isArray(p.tags) || !p.tags.every((t) => isObj(t) && isStr(t.key) && isStr(t.value))) return '"tags" must be an array of {key, value} strings';
  if (!Array.isArray(p.jobs)) return '"jobs" must be an array';
  for (const [i, j] of (p.jobs as unknown[]).entries()) {
    if (!checkJob(j)) return `jobs[${i}] must have job_id, vbs_job_id, backup_name, resource_id, final (strings) and created, duration (numbers)`;
  }
  return undefined;
}

function checkJob(j: unknown): j is StoredJob {
  return isObj(j) && isStr(j.job_id) && isStr(j.vbs_job_id) && isStr(j.backup_name) && isStr(j.resource_id)
    && isStr(j.final) && isNum(j.created) && isNum(j.duration) && (j.fail_reason === undefined || isStr(j.fail_reason));
}


/** Shape checks of the `cbr` part: the arrays and, in each item, the fields the emulator indexes by. */
function checkCbr(cbr: unknown): string | undefined {
  if (!isObj(cbr)) return '"cbr" must be an object of project id to CBR data';
  for (const [projectId, d] of Object.entries(cbr)) {
    if (!isObj(d)) return `cbr.${projectId} must be an object {vaults, policies, checkpoints, backups, tasks}`;
    for (const key of ['vaults', 'policies', 'checkpoints', 'backups', 'tasks']) {
      const items = d[key];
      if (!Array.isArray(items)) return `cbr.${projectId}.${key} must be an array`;
      for (const [i, item] of items.entries()) {
        if (!isObj(item) || !isStr(item.id)) return `cbr.${projectId}.${key}[${i}] must be an object with a string "id"`;
        if (key === 'vaults' && (!isStr(item.name) || !isObj(item.billing) || !Array.isArray(item.resources)
          || !item.resources.every((r) => isObj(r) && isStr(r.id) && isStr(r.type)))) {
          return `cbr.${projectId}.vaults[${i}] must have a name, a billing object and resources [{id, type}]`;
        }
        if ((key === 'checkpoints' || key === 'backups' || key === 'tasks') && (!isNum(item.created) || !isNum(item.duration) || !isStr(item.final))) {
          return `cbr.${projectId}.${key}[${i}] must have created and duration (numbers) and final (a string)`;
        }
        if (key === 'backups' && (!isStr(item.resourceId) || !isStr(item.vaultId) || !isStr(item.checkpointId))) {
          return `cbr.${projectId}.backups[${i}] must have resourceId, vaultId and checkpointId (strings)`;
        }
      }
    }
  }
  return undefined;
}
