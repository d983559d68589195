/**
 * The CBR commands (`backup-vault`, `vault-backups`, `vaults`) as separate processes against
 * the real emulator (CBR_ENDPOINT): by id and by name, --wait, --json, each --when-busy mode
 * while an automatic backup of the vault runs, and the failures a user reads (exit 1, no stack
 * trace). Usage errors (exit 2) are in usage-cases.ts.
 */
import { CbrClient, Credentials, WireCbrVault } from '../../src/client';
import { Emulator, startEmulator } from '../../src/emulator';
import { HOUR, PROJECT_ID, TOKEN, baseEnv, buildCli, endJobsWhenWaiting, runCli, stoppedAfterEach } from './support';

jest.setTimeout(60_000);

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const OTHER = '99999999-9999-4999-8999-999999999999';
const billing = { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 } as const;

const started = stoppedAfterEach<CbrClient>();

/** The lines that say the CLI waits for running backups: busy ones, or those it waits for. */
const WAITS = /already being backed up \(|: protecting$/;

/** `runCli` options that end the emulator's running backups when the CLI says it waits for them. */
const endWhenWaiting = (em: Emulator) => endJobsWhenWaiting(em, WAITS);

async function setup(o: { jobSeconds?: number } = {}): Promise<{ em: Emulator; vault: WireCbrVault; env: Record<string, string> }> {
  buildCli();
  const em = await startEmulator({ tokens: [TOKEN], jobSeconds: o.jobSeconds ?? 0.2 });
  started.emulator = em;
  const client = new CbrClient({ endpoint: em.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN), env: {} });
  started.client = client;
  const vault = await client.createVault({ vault: { name: 'nightly-db', billing, resources: [A, B].map((id) => ({ id, type: 'OS::Cinder::Volume' as const })) } });
  // VBS_ENDPOINT points nowhere: the CBR commands must use CBR_ENDPOINT.
  return { em, vault, env: baseEnv({ CBR_ENDPOINT: em.url, VBS_ENDPOINT: 'http://127.0.0.1:9', HW_PROJECT_ID: PROJECT_ID, HW_AUTH_TOKEN: TOKEN }) };
}

/** Manual backups per resource, from the emulator's state. */
function manual(em: Emulator, vaultId: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of em.backups(PROJECT_ID, vaultId)) if (!b.extend_info?.auto_trigger) out[b.resource_id] = (out[b.resource_id] ?? 0) + 1;
  return out;
}

const NO_STACK = /^\s+at /m;

describe('vbs-backup backup-vault', () => {
  test('by id: one checkpoint, a backup per resource; the result on stdout, progress on stderr', async () => {
    const { em, vault, env } = await setup();
    const r = await runCli(['backup-vault', '--vault-id', vault.id], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[0-9a-f-]{36} vbs-backup-\d{8}T\d{6}-[0-9a-f]{6} 2 resource\(s\)\n$/);
    expect(r.stderr).toMatch(new RegExp(`^made checkpoint [0-9a-f-]{36} \\(vbs-backup-\\S+\\) of vault nightly-db \\(id ${vault.id}\\): 2 resources$`, 'm'));
    expect(manual(em, vault.id)).toEqual({ [A]: 1, [B]: 1 });
    expect(em.checkpointCount(vault.id)).toBe(1);
  });

  test('by name, one resource, --full --wait --json: waits until the backup is available', async () => {
    const { em, vault, env } = await setup();
    const r = await runCli(['backup-vault', '--vault-name', 'nightly-db', '--resource-id', B, '--full', '--wait', '--json'], env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ vaultId: vault.id, vaultName: 'nightly-db', projectId: PROJECT_ID, succeeded: true, joined: [], attempts: 1 });
    expect(doc.checkpoints).toHaveLength(1);
    expect(doc.backups.map((b: { resourceId: string; status: string }) => [b.resourceId, b.status])).toEqual([[B, 'available']]);
    expect(r.stderr).toMatch(new RegExp(`^backup [0-9a-f-]{36} of resource ${B}: available$`, 'm'));
    expect(r.stderr).toMatch(/^all 1 backup available$/m);
    const backups = em.backups(PROJECT_ID, vault.id);
    expect(backups.map((b) => [b.resource_id, b.extend_info?.incremental])).toEqual([[B, false]]);
  });

  test('--wait: a backup that ends in error is exit 1 naming the resource', async () => {
    const { em, vault, env } = await setup();
    em.addFault({ operation: 'createCheckpoint', backupStatus: 'error' });
    const r = await runCli(['backup-vault', '--vault-id', vault.id, '--resource-id', A, '--wait'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: backup of vault nightly-db \\(id ${vault.id}\\) failed: 1 backup of 1 ended in error: resource ${A} `, 'm'));
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  describe('an automatic backup of the vault is running', () => {
    test('default (wait): waits for it, then backs every resource up once', async () => {
      const { em, vault, env } = await setup();
      em.startScheduledRun({ projectId: PROJECT_ID, vaultId: vault.id, jobSeconds: HOUR });
      const r = await runCli(['backup-vault', '--vault-name', 'nightly-db', '--wait'], env, endWhenWaiting(em));
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^2 resources already being backed up \\(${A} backup [0-9a-f-]{36} protecting, ${B} backup`, 'm'));
      expect(r.stderr).toMatch(/^the running backups of 2 resources ended \(waited \d+\.\d s\); backing them up now$/m);
      expect(manual(em, vault.id)).toEqual({ [A]: 1, [B]: 1 });
      const accepted = em.requests({ operation: 'createCheckpoint' }).filter((x) => x.status === 200);
      expect(accepted).toHaveLength(1);
      // made once the automatic backups had ended
      const autoEnds = em.backups(PROJECT_ID, vault.id).filter((b) => b.extend_info?.auto_trigger).map((b) => Date.parse(b.updated_at ?? ''));
      expect(autoEnds).toHaveLength(2);
      expect(Date.parse(accepted[0].time)).toBeGreaterThanOrEqual(Math.max(...autoEnds));
    });

    test('join --json: the automatic backups count, no checkpoint made', async () => {
      const { em, vault, env } = await setup();
      const auto = em.startScheduledRun({ projectId: PROJECT_ID, vaultId: vault.id, jobSeconds: HOUR });
      const r = await runCli(['backup-vault', '--vault-id', vault.id, '--when-busy', 'join', '--wait', '--json'], env, endWhenWaiting(em));
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.checkpoints).toEqual([]);
      expect(doc.joined.map((b: { checkpointId: string }) => b.checkpointId)).toEqual([auto.id, auto.id]);
      expect(doc).toMatchObject({ succeeded: true });
      expect(r.stderr).toMatch(/was already being backed up \(backup \S+ "autobk_\w+", protecting\): it counts as this run's backup \(when busy: join\)$/m);
      expect(manual(em, vault.id)).toEqual({});
    });

    test('the wait counts against --timeout: exit 1 naming the resources still being backed up', async () => {
      const { em, vault, env } = await setup();
      em.startScheduledRun({ projectId: PROJECT_ID, vaultId: vault.id, jobSeconds: HOUR });
      const r = await runCli(['backup-vault', '--vault-id', vault.id, '--timeout', '2'], env);
      expect(r.code).toBe(1);
      // the backups last an hour and are still protecting now: the command ended because of its
      // bound, not because they ended (no wall-clock bound: the emulator's state is the oracle)
      expect(em.backups(PROJECT_ID, vault.id).map((b) => b.status)).toEqual(expect.arrayContaining(['protecting']));
      expect(em.backups(PROJECT_ID, vault.id).filter((b) => b.status !== 'protecting')).toEqual([]);
      expect(r.stderr).toMatch(new RegExp(`^error: backupVault gave up waiting after \\d+\\.\\d s: vault ${vault.id}: 2 resources are being backed up: .* \\(bound: 2 s, --timeout\\)$`, 'm'));
      expect(r.stderr).not.toMatch(NO_STACK);
      expect(manual(em, vault.id)).toEqual({});
    });

    test('fail: exit 1 naming the resources, their running backups and the choices; no backup, no stack trace', async () => {
      const { em, vault, env } = await setup();
      em.startScheduledRun({ projectId: PROJECT_ID, vaultId: vault.id, jobSeconds: HOUR });
      const r = await runCli(['backup-vault', '--vault-id', vault.id, '--when-busy', 'fail'], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: backupVault: vault ${vault.id}: 2 resources are being backed up: ${A} \\(backup [0-9a-f-]{36} protecting "autobk_[0-9a-f]{4}"\\); ${B} `, 'm'));
      expect(r.stderr).toContain('--when-busy fail does not wait; --when-busy wait (the default) waits for those backups');
      expect(r.stderr).not.toMatch(NO_STACK);
      expect(r.stdout).toBe('');
      expect(manual(em, vault.id)).toEqual({});
    });
  });

  test.each([
    ['an unknown vault name', ['--vault-name', 'no-such-vault'], /^error: no vault named "no-such-vault" in project \w+ at http:\/\/127\.0\.0\.1:\d+$/m],
    ['an unknown vault id', ['--vault-id', OTHER], new RegExp(`^error: no vault with id ${OTHER} in project \\w+ at http://127\\.0\\.0\\.1:\\d+$`, 'm')],
    ['a resource the vault does not hold', ['--vault-name', 'nightly-db', '--resource-id', OTHER], new RegExp(`^error: 1 resource not in vault nightly-db \\(id \\S+\\): ${OTHER}; its resources: ${A}, ${B}$`, 'm')],
  ])('%s: exit 1, named, no stack trace, nothing backed up', async (_name, args, message) => {
    const { em, vault, env } = await setup();
    const r = await runCli(['backup-vault', ...args], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stdout).toBe('');
    expect(em.checkpointCount(vault.id)).toBe(0);
  });

  test('two vaults of the same name: exit 1 naming both', async () => {
    const { vault, env } = await setup();
    const twin = await started.client!.createVault({ vault: { name: 'nightly-db', billing, resources: [] } });
    const r = await runCli(['backup-vault', '--vault-name', 'nightly-db'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: 2 vaults are named "nightly-db" (${vault.id}, ${twin.id})`);
  });
});

describe('vbs-backup vault-backups and vaults', () => {
  test('vault-backups by name: newest first; --checkpoint-id filters; --json', async () => {
    const { vault, env } = await setup({ jobSeconds: 0 });
    const first = await started.client!.backupVault(vault.id, { resourceIds: [A] });
    const second = await started.client!.backupVault(vault.id);
    const all = await runCli(['vault-backups', '--vault-name', 'nightly-db'], env);
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^BACKUP ID\s+RESOURCE\s+STATUS\s+CREATED\s+CHECKPOINT\s+NAME$/);
    expect(lines).toHaveLength(4);
    expect(all.stderr).toMatch(/^3 backups of vault nightly-db/m);
    const one = await runCli(['vault-backups', '--vault-id', vault.id, '--checkpoint-id', first.checkpoints[0].checkpointId, '--json'], env);
    expect(one.code).toBe(0);
    const doc = JSON.parse(one.stdout);
    expect(doc.backups.map((b: { resourceId: string; checkpointId: string }) => [b.resourceId, b.checkpointId])).toEqual([[A, first.checkpoints[0].checkpointId]]);
    const since = await runCli(['vault-backups', '--vault-id', vault.id, '--since', new Date(Date.now() + 60_000).toISOString(), '--json'], env);
    expect(JSON.parse(since.stdout).backups).toEqual([]);
    expect(second.checkpoints).toHaveLength(1);
  });

  test('vault-backups --wait: returns once every listed backup is final', async () => {
    const { em, vault, env } = await setup({ jobSeconds: HOUR });
    const run = await started.client!.backupVault(vault.id);
    const r = await runCli(['vault-backups', '--vault-id', vault.id, '--checkpoint-id', run.checkpoints[0].checkpointId, '--wait', '--json'], env, endWhenWaiting(em));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).backups.map((b: { status: string }) => b.status)).toEqual(['available', 'available']);
    expect(r.stderr).toMatch(/: protecting$/m);
    expect(r.stderr).toMatch(/: available$/m);
  });

  test('vaults: a table, or --json', async () => {
    const { vault, env } = await setup();
    const t = await runCli(['vaults'], env);
    expect(t.code).toBe(0);
    expect(t.stdout.split('\n')[1]).toMatch(new RegExp(`^${vault.id}\\s+nightly-db\\s+disk\\s+available\\s+100\\s+2$`));
    const j = await runCli(['vaults', '--json'], env);
    expect(JSON.parse(j.stdout).vaults.map((v: WireCbrVault) => v.id)).toEqual([vault.id]);
  });
});
