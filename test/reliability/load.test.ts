/**
 * Load: 50 triggers in one apply (terraform -parallelism=10) against an emulator throttled to
 * 8 requests per second. Every run must get through by backing off: exactly one execute per
 * policy, 50 in all. No bound on the elapsed time (it measures the machine, not the code): a
 * back-off runaway or a stuck request shows as jest's timeout below; the time is printed.
 */
import { clientFor, createPolicies, credentialEnv, exposure, startCanaryEmulator } from './support';
import { StackRun } from './stack';

jest.setTimeout(180_000);

const TRIGGERS = 50;
/**
 * Low enough that the throttle bites even when the machine is busy and hooks start slowly
 * (10 hooks at once send their first requests within well under a second of each other).
 */
const RATE = 8;

test(`${TRIGGERS} triggers, parallelism 10, emulator throttled to ${RATE}/s: exactly ${TRIGGERS} executes`, async () => {
  const em = await startCanaryEmulator({ maxPolicies: TRIGGERS + 10 });
  const client = clientFor(em);
  const ids = await createPolicies(client, TRIGGERS, 'load');
  await client.close();
  const run = new StackRun(em, { policyIds: ids }, credentialEnv('token'));
  try {
    await run.init();
    em.setThrottle(RATE);
    const started = Date.now();
    const r = await run.apply('load', ['-parallelism=10']);
    const elapsed = Date.now() - started;
    em.setThrottle(0);

    expect({ code: r.code, out: r.code === 0 ? '' : r.output.slice(-3000) }).toEqual({ code: 0, out: '' });
    expect(r.output).toMatch(new RegExp(`Apply complete! Resources: ${TRIGGERS} added`));
    expect(em.executeCount()).toBe(TRIGGERS);
    for (const id of ids) expect(em.executeCount(id)).toBe(1);
    // The throttle really bit: some requests were refused with 429 and retried.
    const throttled = em.requests().filter((q) => q.status === 429).length;
    expect(throttled).toBeGreaterThan(0);
    process.stdout.write(`\nload: ${TRIGGERS} triggers in ${elapsed} ms, ${em.requests().length} requests, ${throttled} throttled (429)\n`);

    const again = await run.apply('load no-op', ['-parallelism=10']);
    expect(again.code).toBe(0);
    expect(em.executeCount()).toBe(TRIGGERS);
    await run.state('load');
    expect(exposure.leaks()).toEqual([]);
  } finally {
    run.dispose();
    await em.stop();
  }
});
