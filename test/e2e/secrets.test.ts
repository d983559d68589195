/**
 * Real Terraform, offline: credentials stay in the apply environment. With canary values for
 * every credential variable (token, AK/SK with a security token, password login), none shows
 * up in the synthesized JSON, the plan, the state (`terraform show -json` and the raw file)
 * or any Terraform output, whether the apply succeeds or fails.
 */
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, Rerun, Retention, Schedule } from '../../src';
import { Emulator } from '../../src/emulator';
import {
  PROJECT_ID, StackUnderTest, TerraformResult, VOLUMES, apiEnv, failed, ok, policyNamed, startE2eEmulator,
} from './harness';

jest.setTimeout(120_000);

/** Every secret below contains this; finding it anywhere is a leak. */
const CANARY = 'CANARY';
const SECRETS = {
  token: 'CANARY-token-4c1d9e2b7a',
  secretKey: 'CANARYsecretKey8f2e1d0c',
  securityToken: 'CANARYsecurityToken5a6b',
  password: 'CANARY-password-3e9f',
  wrongToken: 'CANARY-wrong-token-77aa',
};
const ACCESS_KEY = 'E2EACCESSKEY0001';
const USER = { userName: 'e2e-user', domainName: 'e2e-domain' };

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startE2eEmulator({
    tokens: [SECRETS.token],
    accessKeys: [{ accessKey: ACCESS_KEY, secretKey: SECRETS.secretKey }],
    users: [{ ...USER, password: SECRETS.password }],
  });
});

afterAll(() => emulator?.stop());

/** Credential sets for one Terraform run each (the base environment has none). */
function credentials(): Record<string, Record<string, string>> {
  const accessKey = { HW_ACCESS_KEY: ACCESS_KEY, HW_SECRET_KEY: SECRETS.secretKey, HW_SECURITY_TOKEN: SECRETS.securityToken };
  const password = {
    HW_USER_NAME: USER.userName, HW_USER_PASSWORD: SECRETS.password, HW_DOMAIN_NAME: USER.domainName, HW_AUTH_URL: `${emulator.url}/v3`,
  };
  return {
    all: { HW_AUTH_TOKEN: SECRETS.token, ...accessKey, ...password },
    accessKey,
    password,
    wrongToken: { HW_AUTH_TOKEN: SECRETS.wrongToken },
  };
}

/** Asserts that `text` (named `where`) holds no canary and no request signature. */
function expectClean(where: string, text: string): void {
  const leaks = [CANARY, 'Signature=', 'X-Auth-Token:'].filter((needle) => text.includes(needle));
  expect({ where, leaks }).toEqual({ where, leaks: [] });
}

const APPLY = ['apply', '-auto-approve', '-input=false', '-no-color'];

test('no credential reaches cdk.tf.json, plan, state or output, on success and on failure', async () => {
  const build = (stack: Construct): void => {
    const policy = new BackupPolicy(stack, 'Policy', {
      policyName: 'e2e-secrets',
      schedule: Schedule.daily(['02:00']),
      retention: Retention.count(7),
      volumeIds: [VOLUMES[0]],
    });
    new BackupPolicyTrigger(stack, 'Trigger', {
      policy, rerun: Rerun.everyApply(), waitForCompletion: true, timeoutSeconds: 60, backupBeforeDestroy: true,
    });
  };
  const sut = await StackUnderTest.create('secrets', apiEnv(emulator, { HW_AUTH_TOKEN: undefined }), build);
  try {
    const creds = credentials();
    const outputs: [string, TerraformResult][] = [];
    const run = async (what: string, args: string[], env: Record<string, string>): Promise<TerraformResult> => {
      const result = await sut.tf.run(args, env);
      outputs.push([what, result]);
      return result;
    };
    expectClean('cdk.tf.json', sut.synthesized());

    // failure: a server that keeps failing the run (first, before any run: see failures.test.ts
    // for why a failing execute right after an earlier run is not a failure today)
    emulator.addFault({ operation: 'executePolicy', status: 500, times: 20 });
    failed(await run('apply against a failing server', APPLY, creds.all), 'apply against a failing server');
    emulator.clearFaults();
    const id = policyNamed(emulator, 'e2e-secrets').backup_policy_id;
    expect(emulator.executeCount(id)).toBe(0);

    // success with each kind of credential (the token wins when all are set)
    ok(await run('apply with every credential', APPLY, creds.all), 'apply with every credential');
    expect(emulator.executeCount(id)).toBe(1);
    ok(await run('apply with AK/SK', APPLY, creds.accessKey), 'apply with AK/SK');
    expect(emulator.executeCount(id)).toBe(2);
    const loginsBefore = emulator.requests({ operation: 'createToken' }).length;
    ok(await run('apply with a password login', APPLY, creds.password), 'apply with a password login');
    expect(emulator.executeCount(id)).toBe(3);
    expect(emulator.requests({ operation: 'createToken' }).length).toBeGreaterThan(loginsBefore);

    // failure: a token the cloud rejects
    const rejected = failed(await run('apply with a rejected token', APPLY, creds.wrongToken), 'apply with a rejected token');
    expect(rejected.output).toMatch(/401|APIGW\.030/);
    expect(emulator.executeCount(id)).toBe(3);

    const plan = await run('plan', ['plan', '-input=false', '-no-color', '-detailed-exitcode'], creds.all);
    expect(plan.code).toBe(2);
    const show = await run('show -json', ['show', '-json', '-no-color'], creds.all);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout).values.root_module.resources.length).toBeGreaterThan(0);
    expectClean('terraform.tfstate', sut.rawState());

    ok(await run('destroy', ['destroy', '-auto-approve', '-input=false', '-no-color'], creds.all), 'destroy');
    expect(emulator.executeCount(id)).toBe(4);
    expect(emulator.policies(PROJECT_ID).some((p) => p.backup_policy_id === id)).toBe(false);

    for (const [what, result] of outputs) expectClean(what, result.output);
    expectClean('terraform.tfstate after destroy', sut.rawState());
    expectClean('cdk.tf.json after the runs', sut.synthesized());
  } finally {
    sut.dispose();
  }
});
