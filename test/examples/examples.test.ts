/**
 * Every example deploys with real Terraform (terraform_data hooks) against the embedded emulator,
 * and does what its doc comment says, counted in the emulator's request log.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Credentials, VbsClient } from 'cdktf-vbs-backup/client';
import { Emulator, startEmulator } from 'cdktf-vbs-backup/emulator';
import { AfterMigrationStack } from '../../examples/after-migration/stack';
import { BeforeRiskyChangeStack } from '../../examples/before-risky-change/stack';
import { ImportExistingStack } from '../../examples/import-existing/stack';
import { QuickstartStack } from '../../examples/quickstart/stack';
import { QuickstartStack as CdktnQuickstartStack } from '../../examples/quickstart-cdktn/stack';
import { synthAsHcl } from '../../examples/hcl-exit/synth';
import { DeployedExample, EXAMPLE_PROJECT_ID, EXAMPLE_TOKEN } from '../../examples/support/deploy';
import { withExample } from './support';
import { FrameworkName } from '../../examples/support/frameworks';
import { requireTerraform } from '../../examples/support/terraform';

jest.setTimeout(180_000);

let emulator: Emulator;
beforeAll(async () => {
  requireTerraform();
  emulator = await startEmulator({ tokens: [{ token: EXAMPLE_TOKEN, projectId: EXAMPLE_PROJECT_ID }], projectIds: [EXAMPLE_PROJECT_ID], jobSeconds: 1 });
});
afterAll(() => emulator?.stop());

const named = (name: string) => emulator.policies(EXAMPLE_PROJECT_ID).filter((p) => p.backup_policy_name === name);
const ok = (r: { code: number; output: string }, what: string) => {
  if (r.code !== 0) throw new Error(`${what} failed:\n${r.output}`);
};

/** What the quickstart does, whichever framework builds it and whichever output it is written as. */
async function quickstartLifecycle(d: DeployedExample<FrameworkName>): Promise<void> {
  ok(await d.apply(), 'apply');
  const [policy] = named('quickstart-nightly');
  expect(policy.volume_ids).toHaveLength(2);
  expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
  expect(emulator.jobs(EXAMPLE_PROJECT_ID, policy.backup_policy_id).map((j) => j.status)).toEqual(['EXECUTE_SUCCESS', 'EXECUTE_SUCCESS']);
  ok(await d.apply(), 're-apply');
  expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
  ok(await d.destroy(), 'destroy');
  expect(named('quickstart-nightly')).toEqual([]);
}

test('quickstart: policy created with its volumes, one run after the migration with a job per volume, deleted on destroy', async () => {
  await withExample(emulator, 'quickstart', (app) => new QuickstartStack(app, 'quickstart'), quickstartLifecycle);
});

test('quickstart-cdktn: the same quickstart as a CDK Terrain app does the same', async () => {
  await withExample(emulator, 'quickstart', (app) => new CdktnQuickstartStack(app, 'quickstart'), async (d) => {
    expect(fs.readFileSync(path.join(d.stackDir, 'cdk.tf.json'), 'utf8')).not.toContain('null_resource');
    await quickstartLifecycle(d);
  }, { framework: 'cdktn' });
});

test('hcl-exit: the quickstart written as HCL (cdktf synth --hcl) validates and does the same', async () => {
  const deployed = DeployedExample.synthWith('quickstart', emulator, (outdir) => synthAsHcl(outdir, (app) => {
    new QuickstartStack(app, 'quickstart');
  }));
  try {
    expect(fs.readdirSync(deployed.stackDir).filter((f) => f.startsWith('cdk.tf'))).toEqual(['cdk.tf']);
    expect(fs.readFileSync(path.join(deployed.stackDir, 'cdk.tf'), 'utf8')).toMatch(/^resource "terraform_data" "/m);
    ok(await deployed.validate(), 'terraform validate');
    await quickstartLifecycle(deployed);
  } finally {
    deployed.dispose();
  }
  expect(process.env.SYNTH_HCL_OUTPUT).toBeUndefined();
});

test('after-migration: a new migration run takes a new backup after it, waiting for the jobs', async () => {
  await withExample(emulator, 'after-migration', (app) => new AfterMigrationStack(app, 'after-migration'), async (d) => {
    ok(await d.apply(), 'apply');
    const [policy] = named('orders-db');
    expect(policy.scheduled_policy).toMatchObject({ week_frequency: expect.arrayContaining(['MON', 'THU']), rentention_day: 30, remain_first_backup_of_curMonth: 'Y' });
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
    ok(await d.apply(), 're-apply');
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
    d.resynth('after-migration', (app) => new AfterMigrationStack(app, 'after-migration', { schemaVersion: 'v8' }));
    ok(await d.apply(), 'apply of the next migration');
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(2);
    ok(await d.destroy(), 'destroy');
  });
});

test('import-existing: runs a policy it does not manage once, and leaves it alone on destroy', async () => {
  const client = new VbsClient({ endpoint: emulator.url, projectId: EXAMPLE_PROJECT_ID, credentials: Credentials.token(EXAMPLE_TOKEN) });
  const policyId = await client.createPolicy({
    backup_policy_name: 'shared-ops',
    scheduled_policy: { start_time: '04:00', frequency: 1, rentention_num: 5, remain_first_backup_of_curMonth: 'N', status: 'ON' },
  });
  await client.associateVolumes(policyId, ['5c4b3a29-1807-4f6e-9d5c-4b3a29180711']);
  await client.close();
  await withExample(emulator, 'import-existing', (app) => new ImportExistingStack(app, 'import-existing', { policyId }), async (d) => {
    ok(await d.apply(), 'apply');
    expect(emulator.executeCount(policyId)).toBe(1);
    ok(await d.destroy(), 'destroy');
    expect(named('shared-ops')).toHaveLength(1);
    expect(emulator.requests({ policyId }).filter((r) => r.operation === 'updatePolicy' || r.operation === 'deletePolicy')).toEqual([]);
  });
});

test('before-risky-change: a backup before each release, and one last backup on destroy', async () => {
  await withExample(emulator, 'before-risky-change', (app) => new BeforeRiskyChangeStack(app, 'before-risky-change'), async (d) => {
    ok(await d.apply(), 'apply');
    const [policy] = named('payments-app');
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
    d.resynth('before-risky-change', (app) => new BeforeRiskyChangeStack(app, 'before-risky-change', { release: '1.5.0' }));
    ok(await d.apply(), 'apply of release 1.5.0');
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(2);
    ok(await d.destroy(), 'destroy');
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(3);
    expect(named('payments-app')).toEqual([]);
  });
});
