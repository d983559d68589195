/**
 * backupVault against the real emulator: each targeted resource backed up exactly once per
 * call, counted from the emulator's own backups, under faults (429, 500, 503 after processing,
 * connections dropped before and after processing), busy resources (an automatic backup
 * running: every refusal code the docs list, at 400 and 500; some resources skipped) in each
 * `whenBusy` mode, and with either name-filter semantics.
 */
import { BackupVaultResult, CbrBusyError, CbrBusyEvent, CbrClient, Credentials, RetryInfo, WireCbrBackup } from '../../src/client';
import { TRANSPORTS, VbsTransport } from '../../src/client/transport';
import { Emulator, EmulatorOptions, startEmulator } from '../../src/emulator';

const PROJECT = '0123456789abcdef0123456789abcdef';
/** A job time no test waits out: the test ends the backups (finishJobs). */
const HOUR = 3600;
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const billing = { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 } as const;

let transport: VbsTransport = 'undici';
const emulators: Emulator[] = [];
const clients: CbrClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(emulators.splice(0).map((e) => e.stop()));
});

async function setup(o: Partial<EmulatorOptions> = {}) {
  const em = await startEmulator({ tokens: ['t'], jobSeconds: 0.2, ...o });
  emulators.push(em);
  const retries: RetryInfo[] = [];
  const c = new CbrClient({ endpoint: em.url, projectId: PROJECT, env: {}, credentials: Credentials.token('t'), random: () => 0, transport, onRetry: (i) => retries.push(i) });
  clients.push(c);
  const vault = await c.createVault({ vault: { name: 'v', billing, resources: [A, B].map((id) => ({ id, type: 'OS::Cinder::Volume' as const })) } });
  /** Manual backups per resource made for this call's checkpoints (by their names), from the emulator's state. */
  const madeBy = (run: BackupVaultResult): Record<string, number> => count(em.backups(PROJECT, vault.id).filter((b) => run.checkpoints.some((cp) => b.name === cp.name)));
  const manual = (): Record<string, number> => count(em.backups(PROJECT, vault.id).filter((b) => !b.extend_info?.auto_trigger));
  const posts = (): number => em.requests({ operation: 'createCheckpoint' }).length;
  return { em, c, vault, retries, madeBy, manual, posts };
}

function count(backups: WireCbrBackup[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of backups) out[b.resource_id] = (out[b.resource_id] ?? 0) + 1;
  return out;
}

describe.each(TRANSPORTS)('over the %s transport', (kind) => {
  beforeAll(() => {
    transport = kind;
  });

  describe('faults: one backup per resource, never two', () => {
    test.each([
      ['429 (throttled, refused)', { status: 429 }, 2, false],
      ['500 without effect', { status: 500 }, 2, false],
      ['503 after the checkpoint was made', { status: 503, afterProcessing: true }, 1, true],
      ['connection dropped before processing', { drop: 'before' as const }, 2, false],
      ['connection dropped after processing', { drop: 'after' as const }, 1, true],
    ])('%s', async (_name, fault, sent, alreadyCreated) => {
      const { em, c, vault, madeBy, manual, posts, retries } = await setup();
      em.addFault({ operation: 'createCheckpoint', ...fault });
      const run = await c.backupVault(vault.id);
      expect(posts()).toBe(sent);
      expect(run.checkpoints).toHaveLength(1);
      expect(run.checkpoints[0].alreadyCreated).toBe(alreadyCreated);
      expect(run.attempts).toBe(sent);
      expect(retries.map((r) => r.operation)).toEqual(['createCheckpoint']);
      expect(madeBy(run)).toEqual({ [A]: 1, [B]: 1 });
      expect(manual()).toEqual({ [A]: 1, [B]: 1 });
      expect(em.checkpointCount(vault.id)).toBe(1);
      const final = await c.waitForBackups(run, { pollIntervalMs: 50 });
      expect(final.map((b) => [b.resource_id, b.status]).sort()).toEqual([[A, 'available'], [B, 'available']]);
    });

    test.each(['exact', 'substring'] as const)('dropped after processing, name filter %s: the lookup finds the checkpoint', async (cbrNameFilter) => {
      const { em, c, vault, manual, posts } = await setup({ cbrNameFilter });
      em.addFault({ operation: 'createCheckpoint', drop: 'after' });
      const run = await c.backupVault(vault.id, { resourceIds: [B], name: 'stack-Trigger_1' });
      expect([posts(), run.checkpoints[0].alreadyCreated]).toEqual([1, true]);
      expect(run.checkpoints[0].resourceIds).toEqual([B]);
      expect(manual()).toEqual({ [B]: 1 });
    });
  });

  describe('busy: an automatic backup of the vault is running', () => {
    describe.each([
      ['0002', 500],
      ['6125', 400],
      ['6203', 400],
      ['0001', 400],
    ] as const)('every resource busy, refused with BackupService.%s (HTTP %d)', (code, status) => {
      test('fail: a CbrBusyError naming each resource and its running backup, one request, no backup', async () => {
        const { em, c, vault, manual, posts } = await setup({ cbrAllBusy: code });
        const auto = em.startScheduledRun({ projectId: PROJECT, vaultId: vault.id, jobSeconds: HOUR });
        const e = await c.backupVault(vault.id).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(CbrBusyError);
        const busy = e as CbrBusyError;
        expect(busy.refusal).toMatchObject({ status, code: `BackupService.${code}` });
        expect(busy.busy.map((b) => [b.resourceId, b.running.map((r) => r.checkpoint_id)])).toEqual([[A, [auto.id]], [B, [auto.id]]]);
        expect(busy.message).toContain(`${A} (backup `);
        expect([posts(), manual()]).toEqual([1, {}]);
      });

      test('wait: waits for the automatic backups to end, then one checkpoint: one backup per resource', async () => {
        const { em, c, vault, madeBy, manual, posts } = await setup({ cbrAllBusy: code });
        const auto = em.startScheduledRun({ projectId: PROJECT, vaultId: vault.id, jobSeconds: HOUR });
        const events: string[] = [];
        // the automatic backups end when the client starts waiting for them
        const onBusy = (ev: CbrBusyEvent): void => {
          events.push(ev.kind);
          if (ev.kind === 'busy') em.finishJobs();
        };
        const run = await c.backupVault(vault.id, { whenBusy: 'wait', busyPoll: { initialMs: 100, maxMs: 200 }, onBusy });
        expect(events).toEqual(['busy', 'free']);
        expect(run.checkpoints).toHaveLength(1);
        expect(madeBy(run)).toEqual({ [A]: 1, [B]: 1 });
        expect(manual()).toEqual({ [A]: 1, [B]: 1 });
        expect(posts()).toBe(2);
        expect(run.waitedMs).toBeGreaterThan(0);
        const autoEnds = em.backups(PROJECT, vault.id).filter((b) => b.checkpoint_id === auto.id).map((b) => Date.parse(b.updated_at ?? ''));
        const sent = em.requests({ operation: 'createCheckpoint' }).filter((r) => r.status === 200);
        expect(Date.parse(sent[0].time)).toBeGreaterThanOrEqual(Math.max(...autoEnds));
      });

      test('join: the running automatic backups count; no checkpoint made', async () => {
        const { em, c, vault, manual } = await setup({ cbrAllBusy: code });
        const auto = em.startScheduledRun({ projectId: PROJECT, vaultId: vault.id, jobSeconds: HOUR });
        const run = await c.backupVault(vault.id, { whenBusy: 'join' });
        expect(run.checkpoints).toEqual([]);
        expect(run.joined.map((b) => [b.resource_id, b.checkpoint_id]).sort()).toEqual([[A, auto.id], [B, auto.id]]);
        expect(manual()).toEqual({});
        expect(em.finishJobs().backups).toBe(2);
        const final = await c.waitForBackups(run, { pollIntervalMs: 100 });
        expect(final.map((b) => b.status)).toEqual(['available', 'available']);
      });
    });

    describe('some resources busy (skipped_resources)', () => {
      /** A is being backed up by an earlier manual run; then the whole vault is backed up. */
      async function oneBusy() {
        const s = await setup({ jobSeconds: HOUR });
        const first = await s.c.backupVault(s.vault.id, { resourceIds: [A], name: 'earlier' });
        return { ...s, first };
      }

      test('fail: the others are backed up; CbrBusyError names A and carries the checkpoint made', async () => {
        const { c, vault, first, manual } = await oneBusy();
        const e = await c.backupVault(vault.id).catch((x: unknown) => x) as CbrBusyError;
        expect(e).toBeInstanceOf(CbrBusyError);
        expect(e.busy.map((b) => [b.resourceId, b.running.map((r) => r.checkpoint_id)])).toEqual([[A, [first.checkpoints[0].checkpointId]]]);
        expect(e.checkpoint?.resourceIds).toEqual([B]);
        expect(manual()).toEqual({ [A]: 1, [B]: 1 });
      });

      test('wait: B now, A after its running backup: two checkpoints, one backup per resource for this call', async () => {
        const { em, c, vault, madeBy, manual, posts } = await oneBusy();
        const run = await c.backupVault(vault.id, { whenBusy: 'wait', busyPoll: { initialMs: 100, maxMs: 200 }, onBusy: (ev) => {
          if (ev.kind === 'busy') em.finishJobs();
        } });
        expect(run.checkpoints.map((cp) => cp.resourceIds)).toEqual([[B], [A]]);
        expect(madeBy(run)).toEqual({ [A]: 1, [B]: 1 });
        expect(manual()).toEqual({ [A]: 2, [B]: 1 });
        expect(posts()).toBe(3);
        em.finishJobs();
        const final = await c.waitForBackups(run, { pollIntervalMs: 100 });
        expect(final.map((b) => b.resource_id).sort()).toEqual([A, B]);
      });

      test('join: B backed up, A joins its running backup', async () => {
        const { c, vault, first, madeBy } = await oneBusy();
        const run = await c.backupVault(vault.id, { whenBusy: 'join' });
        expect(madeBy(run)).toEqual({ [B]: 1 });
        expect(run.joined.map((b) => [b.resource_id, b.checkpoint_id])).toEqual([[A, first.checkpoints[0].checkpointId]]);
      });
    });
  });
});

describe('findBackupsByName', () => {
  test.each(['substring', 'exact'] as const)('finds a caller\'s runs by a name fragment, newest first, whatever the name filter (%s)', async (mode) => {
    const { c, vault } = await setup({ cbrNameFilter: mode, jobSeconds: 0 });
    const other = await c.createVault({ vault: { name: 'w', billing, resources: [{ id: '33333333-3333-4333-8333-333333333333', type: 'OS::Cinder::Volume' }] } });
    const first = await c.backupVault(vault.id, { name: 'app-0a1b2c3d4e5f-00000001' });
    const second = await c.backupVault(vault.id, { name: 'app-0a1b2c3d4e5f-00000002', resourceIds: [A] });
    await c.backupVault(vault.id, { name: 'app-ffffffffffff-00000001' });
    await c.backupVault(other.id, { name: 'app-0a1b2c3d4e5f-00000001' });
    await c.backupVault(vault.id);
    const found = await c.findBackupsByName(vault.id, '-0a1b2c3d4e5f-');
    // Newest first: the second run's backup, then the first run's two.
    expect(found.map((b) => b.checkpoint_id)).toEqual([second.checkpoints[0].checkpointId, first.checkpoints[0].checkpointId, first.checkpoints[0].checkpointId]);
    expect(found.slice(1).map((b) => b.resource_id).sort()).toEqual([A, B]);
    expect((await c.findBackupsByName(vault.id, '-0a1b2c3d4e5f-00000002-')).map((b) => b.checkpoint_id)).toEqual([second.checkpoints[0].checkpointId]);
    await expect(c.findBackupsByName(vault.id, '')).rejects.toThrow('findBackupsByName: the name fragment must be a non-empty string');
    await expect(c.findBackupsByName('not-a-uuid', 'x')).rejects.toThrow('findBackupsByName: vault id "not-a-uuid" is not a UUID');
  });
});
