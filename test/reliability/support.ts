/**
 * Shared parts of the reliability suite: a seeded PRNG, canary credentials that must never be
 * seen anywhere, a collector of everything a user could see, and emulator helpers. Nothing here
 * loads cdktf or constructs (see stack.ts for the Terraform side).
 */
import * as path from 'node:path';
import { VbsClient, Credentials } from '../../src/client';
import { startEmulator, Emulator, EmulatorOptions } from '../../src/emulator';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'lib', 'cli', 'bin.js');
export const PROJECT = '5d1b7c0e9a8f4e3d2c1b0a9f8e7d6c5b';

/**
 * Canary credentials: long, unique values that must never appear in synth output, plans, state,
 * logs or messages. The access key id is not a secret (it is shown shortened), so it is no canary.
 */
export const CANARY = {
  token: 'CanaryTok3n-7f1d9a2e6b4c8f0a3d5e7b9c1a2f4e6d',
  accessKey: 'RELIABILITYAK0001',
  secretKey: 'CanarySecretKey-0e2c4a6b8d1f3e5a7c9b0d2f4a6c8e1b',
  wrongSecretKey: 'CanaryWrongSK-9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d',
  userName: 'reliability-user',
  password: 'CanaryPassw0rd-5b3d1f9e7c2a4b6d8f0e1c3a5b7d9f2e',
  domainName: 'reliability-domain',
} as const;

/** Every value that must never be printed or stored. */
export const SECRET_VALUES: readonly string[] = [CANARY.token, CANARY.secretKey, CANARY.wrongSecretKey, CANARY.password];

/** mulberry32: a tiny seeded PRNG, so every fuzz run is reproducible from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [0, n). */
export function pick(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/** Text a user could see or that is stored: collected by every test, checked for canaries. */
export class Exposure {
  private readonly texts: { label: string; text: string }[] = [];

  add(label: string, text: string): void {
    this.texts.push({ label, text });
  }

  /** Labels of the texts that contain a secret (with which one, masked); empty when clean. */
  leaks(): string[] {
    const out: string[] = [];
    for (const { label, text } of this.texts) {
      for (const s of SECRET_VALUES) if (text.includes(s)) out.push(`${label}: contains ${s.slice(0, 12)}…`);
    }
    return out;
  }

  get count(): number {
    return this.texts.length;
  }
}

/** One exposure collector for the whole process (the faults suite checks it at its end). */
export const exposure = new Exposure();

/** Polls `condition` every 50 ms until it holds or `timeoutMs` passes; throws with `what` then. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A policy schedule the emulator accepts. */
export const SCHEDULE = { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N' as const, status: 'ON' as const };

/** A volume id per index, stable. */
export function volumeId(i: number): string {
  return `0b9a6d40-4c1f-4c5e-9a58-${i.toString(16).padStart(12, '0')}`;
}

/** The environment of an apply: endpoint, project and one kind of credentials. */
export type CredentialKind = 'token' | 'accessKey' | 'password';

export function credentialEnv(kind: CredentialKind, overrides: Record<string, string> = {}): Record<string, string> {
  switch (kind) {
    case 'token': return { HW_AUTH_TOKEN: CANARY.token, ...overrides };
    case 'accessKey': return { HW_ACCESS_KEY: CANARY.accessKey, HW_SECRET_KEY: CANARY.secretKey, ...overrides };
    default: return { HW_USER_NAME: CANARY.userName, HW_USER_PASSWORD: CANARY.password, HW_DOMAIN_NAME: CANARY.domainName, ...overrides };
  }
}

/** An emulator that knows every canary credential of PROJECT. */
export function startCanaryEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    tokens: [{ token: CANARY.token, projectId: PROJECT }],
    accessKeys: [{ accessKey: CANARY.accessKey, secretKey: CANARY.secretKey, projectId: PROJECT }],
    users: [{ userName: CANARY.userName, password: CANARY.password, domainName: CANARY.domainName }],
    jobSeconds: 1,
    ...options,
  });
}

/** A private client of the emulator (token credentials). */
export function clientFor(em: Emulator): VbsClient {
  return new VbsClient({ endpoint: em.url, projectId: PROJECT, region: 'eu-de', credentials: Credentials.token(CANARY.token), env: {} });
}

/** Creates `count` policies, each with one volume; returns their ids. */
export async function createPolicies(client: VbsClient, count: number, prefix = 'rel'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = await client.createPolicy({ backup_policy_name: `${prefix}-${i}`, scheduled_policy: SCHEDULE });
    await client.associateVolumes(id, [volumeId(i)]);
    ids.push(id);
  }
  return ids;
}

