/**
 * Faults through the whole path: Terraform -> terraform_data hook -> executor -> client ->
 * emulator (in process, faults injected through its API). For each fault: the apply's outcome,
 * what the user reads, the executes the emulator recorded, and that the next applies converge
 * (the fault cleared: exactly the missing execute, then nothing).
 */
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import type { Emulator, EmulatorOptions } from '../../src/emulator';
import type { TerraformResult } from '../../examples/support/terraform';
import {
  CANARY, CredentialKind, PROJECT, clientFor, createPolicies, credentialEnv, exposure, startCanaryEmulator,
  waitUntil,
} from './support';
import { endRunsWhenWaitedForIn } from '../support/end-runs';
import { StackRun, StackSpec, hookLines } from './stack';

jest.setTimeout(90_000);

/** What one case does and expects. */
interface FaultCase {
  readonly fault: string;
  readonly credentials: CredentialKind;
  readonly emulator?: EmulatorOptions;
  readonly timeoutSeconds?: number;
  /** Stack of the first apply (default: one trigger on the policy). */
  readonly firstSpec?: (policyId: string) => StackSpec;
  /** Sets the fault up; returns env overrides of the first apply. */
  readonly arrange: (c: CaseContext) => Promise<Record<string, string>>;
  readonly firstCode: 0 | 1;
  /** Key words the user must see in the apply's output. */
  readonly says: RegExp[];
  /** Executes recorded once the first apply (and anything late) is over. */
  readonly executesAfterFirst: number;
  /** Extra checks after the first apply. */
  readonly check?: (c: CaseContext, r: TerraformResult) => void;
  /** Clears the fault before the converging apply (default: clearFaults). */
  readonly clear?: (c: CaseContext) => Promise<void>;
  /** Wait for something the first apply left behind (late processing, running jobs). */
  readonly settle?: (c: CaseContext) => Promise<void>;
  /** The policy's runs last an hour: end them when the hook waits for one (test/support/end-runs.ts). */
  readonly endRunsWhenWaited?: boolean;
  /** Executes recorded after the converging apply. */
  readonly executesAfterConverge: number;
}

interface CaseContext {
  readonly em: Emulator;
  readonly policyId: string;
  readonly run: StackRun;
}

/** One row of the report table. */
const table: { fault: string; outcome: string; executes: string; message: string }[] = [];

const expiredToken = { error_code: 'APIGW.0307', error_msg: 'The token has expired.', request_id: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' };

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Ends the policy's running jobs now (the emulator's clock is the test's). */
const jobsFinal = async (c: CaseContext): Promise<void> => {
  c.em.finishJobs({ policyId: c.policyId });
};

const cases: FaultCase[] = [
  {
    fault: 'none (baseline, managed policy + trigger, AK/SK)',
    credentials: 'accessKey',
    firstSpec: (id) => ({ policyIds: [id], managed: true }),
    arrange: async () => ({}),
    firstCode: 0,
    says: [/started a backup run of policy rel-0/, /started a backup run of policy reliability-managed/, /Apply complete! Resources: 5 added/],
    executesAfterFirst: 1,
    check: ({ em }) => expect(em.executeCount()).toBe(2),
    executesAfterConverge: 1,
  },
  {
    fault: '429 three times, then success',
    credentials: 'token',
    arrange: async ({ em, policyId }) => {
      em.addFault({ operation: 'executePolicy', policyId, status: 429, times: 3 });
      return {};
    },
    firstCode: 0,
    says: [/started a backup run of policy rel-0/],
    executesAfterFirst: 1,
    check: ({ em, policyId }) => {
      expect(em.requests({ operation: 'executePolicy', policyId }).map((r) => r.status)).toEqual([429, 429, 429, 204]);
    },
    executesAfterConverge: 1,
  },
  {
    fault: '503 once, then success',
    credentials: 'token',
    arrange: async ({ em, policyId }) => {
      em.addFault({ operation: 'executePolicy', policyId, status: 503 });
      return {};
    },
    firstCode: 0,
    says: [/started a backup run of policy rel-0/],
    executesAfterFirst: 1,
    check: ({ em, policyId }) => {
      expect(em.requests({ operation: 'executePolicy', policyId }).map((r) => r.status)).toEqual([503, 204]);
      // The 503 was ambiguous: the client looked at the jobs before sending again.
      expect(em.requests({ operation: 'listJobs', policyId }).length).toBeGreaterThanOrEqual(1);
    },
    executesAfterConverge: 1,
  },
  {
    fault: '500 after the execute was processed',
    credentials: 'token',
    arrange: async ({ em, policyId }) => {
      em.addFault({ operation: 'executePolicy', policyId, status: 500, afterProcessing: true });
      return {};
    },
    firstCode: 0,
    says: [/already started by an earlier attempt/],
    executesAfterFirst: 1,
    check: ({ em, policyId }) => {
      expect(em.requests({ operation: 'executePolicy', policyId })).toHaveLength(1);
    },
    executesAfterConverge: 1,
  },
  {
    fault: 'connection dropped after the execute was processed',
    credentials: 'token',
    arrange: async ({ em, policyId }) => {
      em.addFault({ operation: 'executePolicy', policyId, drop: 'after' });
      return {};
    },
    firstCode: 0,
    says: [/already started by an earlier attempt/],
    executesAfterFirst: 1,
    check: ({ em, policyId }) => {
      expect(em.requests({ operation: 'executePolicy', policyId })).toHaveLength(1);
    },
    executesAfterConverge: 1,
  },
  {
    fault: 'response slower than the timeout (timeoutSeconds 2, delay 4 s)',
    credentials: 'token',
    timeoutSeconds: 2,
    arrange: async ({ em, policyId }) => {
      em.addFault({ operation: 'executePolicy', policyId, delayMs: 4000 });
      return {};
    },
    firstCode: 1,
    says: [/timed out after 2 s \(VBS_HOOK_TIMEOUT\) during executePolicy/],
    // The request reached the server: it is processed late, after the hook gave up.
    settle: async (c) => {
      await waitUntil(() => c.em.executeCount(c.policyId) === 1, 10_000, 'the delayed execute');
      await jobsFinal(c);
    },
    executesAfterFirst: 1,
    executesAfterConverge: 2,
  },
  {
    fault: 'endpoint unreachable (closed port)',
    credentials: 'token',
    arrange: async () => ({ VBS_ENDPOINT: `http://127.0.0.1:${await closedPort()}` }),
    firstCode: 1,
    says: [/listPolicies failed: network error talking to 127\.0\.0\.1:\d+: ECONNREFUSED/],
    executesAfterFirst: 0,
    executesAfterConverge: 1,
  },
  {
    fault: 'expired token (password login, 401 APIGW.0307 once)',
    credentials: 'password',
    arrange: async ({ em, policyId }) => {
      em.addFault({ operation: 'executePolicy', policyId, status: 401, body: expiredToken });
      return {};
    },
    firstCode: 0,
    says: [/started a backup run of policy rel-0/],
    executesAfterFirst: 1,
    check: ({ em, policyId }) => {
      expect(em.requests({ operation: 'createToken' }).map((r) => r.status)).toEqual([201, 201]);
      expect(em.requests({ operation: 'executePolicy', policyId }).map((r) => r.status)).toEqual([401, 204]);
    },
    executesAfterConverge: 1,
  },
  {
    fault: 'wrong signature (wrong HW_SECRET_KEY)',
    credentials: 'accessKey',
    arrange: async () => ({ HW_SECRET_KEY: CANARY.wrongSecretKey }),
    firstCode: 1,
    says: [/listPolicies failed: HTTP 401 APIGW\.0\d+/],
    executesAfterFirst: 0,
    executesAfterConverge: 1,
  },
  {
    fault: 'unknown policy (fromPolicyId with a random UUID)',
    credentials: 'token',
    firstSpec: () => ({ policyIds: [randomUUID()] }),
    arrange: async () => ({}),
    firstCode: 1,
    says: [/no backup policy with id [0-9a-f-]{36} in project/],
    executesAfterFirst: 0,
    clear: async ({ run, policyId }) => run.resynth({ policyIds: [policyId] }),
    executesAfterConverge: 1,
  },
  {
    // WhenBusy.WAIT_THEN_RUN (the default): the hook waits for the run, then starts its own.
    fault: 'a run already in progress (AutoBackup.0225)',
    credentials: 'token',
    emulator: { jobSeconds: 3600 },
    endRunsWhenWaited: true,
    arrange: async ({ em, policyId }) => {
      const client = clientFor(em);
      await client.executePolicy(policyId);
      await client.close();
      return {};
    },
    firstCode: 0,
    says: [/is busy: a run started at \S+Z is unfinished \(1 job: .*\); waiting for it to finish, then starting this run \(when busy: wait\)/, /is over; waited \d+\.\d s; starting this run/, /started a backup run of policy rel-0/],
    executesAfterFirst: 2,
    check: ({ em, policyId }) => {
      expect(em.requests({ operation: 'executePolicy', policyId }).map((r) => r.status)).toEqual([204, 409, 204]);
    },
    settle: (c) => jobsFinal(c),
    executesAfterConverge: 2,
  },
  {
    fault: 'a scheduled run in progress (AutoBackup.0225 with HTTP 400)',
    credentials: 'token',
    emulator: { jobSeconds: 3600, busyStatus: 400 },
    endRunsWhenWaited: true,
    arrange: async ({ em, policyId }) => {
      em.startScheduledRun(PROJECT, policyId);
      return {};
    },
    firstCode: 0,
    says: [/is busy: a run started at \S+Z is unfinished/, /started a backup run of policy rel-0/],
    executesAfterFirst: 1,
    check: ({ em, policyId }) => {
      expect(em.requests({ operation: 'executePolicy', policyId }).map((r) => r.status)).toEqual([400, 204]);
    },
    settle: (c) => jobsFinal(c),
    executesAfterConverge: 1,
  },
];

describe('faults through Terraform, hook, client and emulator', () => {
  afterAll(() => {
    const lines = table.map((r) => `| ${r.fault} | ${r.outcome} | ${r.executes} | ${r.message} |`);
    process.stdout.write(['', '| fault | apply outcome | executes | message shown |', '|---|---|---|---|', ...lines, ''].join('\n'));
  });

  test.each(cases)('$fault', async (fc) => {
    const em = await startCanaryEmulator(fc.emulator);
    const client = clientFor(em);
    const [policyId] = await createPolicies(client, 1);
    await client.close();
    const spec = fc.firstSpec?.(policyId) ?? { policyIds: [policyId] };
    const run = new StackRun(em, { timeoutSeconds: fc.timeoutSeconds, ...spec }, credentialEnv(fc.credentials));
    const c: CaseContext = { em, policyId, run };
    try {
      await run.init();
      const env = await fc.arrange(c);

      // 1. The apply under the fault.
      const applying = run.apply(fc.fault, [], env);
      const first = await (fc.endRunsWhenWaited ? endRunsWhenWaitedForIn(em, PROJECT, { policyId }, applying) : applying);
      const seen = hookLines(first);
      expect({ code: first.code, seen }).toEqual({ code: fc.firstCode, seen: expect.any(String) });
      for (const re of fc.says) expect(first.output).toMatch(re);
      if (fc.firstCode === 1) expect(first.output).toMatch(/Error: local-exec provisioner error/);
      await fc.settle?.(c);
      expect(em.executeCount(policyId)).toBe(fc.executesAfterFirst);
      fc.check?.(c, first);
      await run.state(`${fc.fault} after first`);

      // 2. Fault cleared: the next apply does exactly what is missing.
      em.clearFaults();
      await fc.clear?.(c);
      const converging = run.apply(`${fc.fault} converge`);
      const second = await (fc.endRunsWhenWaited ? endRunsWhenWaitedForIn(em, PROJECT, { policyId }, converging) : converging);
      expect({ code: second.code, out: second.code === 0 ? '' : second.output }).toEqual({ code: 0, out: '' });
      expect(em.executeCount(policyId)).toBe(fc.executesAfterConverge);

      // 3. And then nothing: an empty plan, a no-op apply.
      const plan = await run.plan(`${fc.fault} plan`);
      expect({ code: plan.code, out: plan.code === 0 ? '' : plan.output }).toEqual({ code: 0, out: '' });
      const third = await run.apply(`${fc.fault} no-op`);
      expect(third.code).toBe(0);
      expect(third.output).toMatch(/Resources: 0 added, 0 changed, 0 destroyed/);
      expect(em.executeCount(policyId)).toBe(fc.executesAfterConverge);
      await run.state(`${fc.fault} converged`);

      const msg = seen.split('\n').map((l) => l.replace(/^.*\(local-exec\): /, '')).find((l) => /^(error|WARNING):|is busy|started a backup|already started/.test(l)) ?? '';
      table.push({
        fault: fc.fault,
        outcome: `${first.code === 0 ? 'succeeds' : 'fails (exit 1, resource tainted)'}; next apply ${fc.executesAfterConverge - fc.executesAfterFirst} execute(s), then no-op`,
        executes: `${fc.executesAfterFirst} -> ${fc.executesAfterConverge}`,
        message: msg.slice(0, 200),
      });
    } finally {
      run.dispose();
      await em.stop();
    }
  });

  test('no canary credential in any synth output, plan, state, log or message collected above', () => {
    expect(exposure.count).toBeGreaterThanOrEqual(cases.length * 6);
    expect(exposure.leaks()).toEqual([]);
  });
});
