/**
 * Test helpers: plain HTTP calls to an emulator with node's fetch, and AK/SK signing with
 * the project's own signer.
 */
import { formatSdkDate, sign } from '../../src/client/signer';
import { Emulator, EmulatorOptions, startEmulator } from '../../src/emulator';

export const PROJECT = '17fbda95add24720a4038ba4b1c705ed';
export const OTHER_PROJECT = 'e9993fc787d94b6c886cbaa340f9c0f4';
export const TOKEN = 'test-token';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON the emulator answered; tests read the fields they expect
  json: any;
}

export interface CallOptions {
  body?: unknown;
  /** Raw body, sent as is. */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** X-Auth-Token; `null` sends none. */
  token?: string | null;
}

/** Calls the emulator; `path` is relative to the base URL. */
export async function call(em: Emulator, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers['X-Auth-Token'] = token;
  let body: string | Buffer | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(em.url + path, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Calls with an SDK-HMAC-SHA256 signature instead of a token. */
export async function signedCall(
  em: Emulator, method: string, path: string, ak: string, sk: string,
  options: { body?: unknown; date?: Date; tamper?: (h: Record<string, string>) => void } = {},
): Promise<Reply> {
  const url = new URL(em.url + path);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { Host: url.host, 'X-Sdk-Date': formatSdkDate(options.date ?? new Date()), 'X-Project-Id': PROJECT };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const names = Object.keys(headers).map((h) => h.toLowerCase());
  const query = [...url.searchParams.entries()];
  const signed = sign({ method, path: url.pathname, query, headers, body }, ak, sk, names);
  headers.Authorization = signed.authorization;
  options.tamper?.(headers);
  return call(em, method, path, { raw: body, headers, token: null });
}

/** A valid create body. */
export function policyBody(name = 'nightly-db', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    backup_policy_name: name,
    scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
    ...extra,
  };
}

/** Creates a policy and returns its id. */
export async function createPolicy(em: Emulator, name = 'nightly-db', project = PROJECT, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call(em, 'POST', `/v2/${project}/backuppolicy`, { body: policyBody(name, extra) });
  if (r.status !== 200) throw new Error(`create failed: ${r.status} ${r.text}`);
  return r.json.backup_policy_id as string;
}

/** Associates volumes with a policy. */
export async function associate(em: Emulator, policyId: string, volumes: string[], project = PROJECT): Promise<Reply> {
  return call(em, 'POST', `/v2/${project}/backuppolicyresources`, {
    body: { backup_policy_id: policyId, resources: volumes.map((v) => ({ resource_id: v, resource_type: 'volume' })) },
  });
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The service error code of a reply. */
export function code(r: Reply): string | undefined {
  return r.json?.error?.code ?? r.json?.error_code;
}

/**
 * A new emulator for each test of the enclosing describe, stopped after it; `started` receives it.
 * @param options default: jobs final at once
 */
export function emulatorPerTest(started: (em: Emulator) => void, options: EmulatorOptions = { jobSeconds: 0 }): void {
  let em: Emulator | undefined;
  beforeEach(async () => {
    em = await startEmulator(options);
    started(em);
  });
  afterEach(() => em?.stop());
}
