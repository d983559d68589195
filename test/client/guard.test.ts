import { getEventListeners } from 'node:events';
import { Credentials, VbsAbortError, VbsClient } from '../../src/client';
import { AttemptTimeout, CallGuard } from '../../src/client/guard';
import { TRANSPORTS } from '../../src/client/transport';
import { json, POLICY, PROJECT, startServer, TestServer, until } from './http-server';

/** Node timers currently alive in this process. */
function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** A promise of the first reason passed to the cancel function it hands out. */
function cancelled(): { cancel: (reason: unknown) => void; reason: Promise<unknown> } {
  let cancel!: (reason: unknown) => void;
  const reason = new Promise<unknown>((resolve) => (cancel = resolve));
  return { cancel, reason };
}

describe('CallGuard', () => {
  test('an attempt shorter than the deadline is cancelled with an AttemptTimeout; the call goes on', async () => {
    const guard = new CallGuard(undefined, 10_000, Date.now);
    const c = cancelled();
    guard.beginAttempt(20, c.cancel);
    const reason = await c.reason;
    expect(reason).toBeInstanceOf(AttemptTimeout);
    expect((reason as AttemptTimeout).ms).toBe(20);
    expect(guard.expired).toBe(false);
    expect(guard.stopped).toBe(false);
    guard.dispose();
  });

  test('an attempt that would outlast the deadline ends with the call: expired, and a later signal is already aborted', async () => {
    const guard = new CallGuard(undefined, 30, Date.now);
    const c = cancelled();
    guard.beginAttempt(60_000, c.cancel);
    const reason = await c.reason;
    expect(reason).not.toBeInstanceOf(AttemptTimeout);
    expect(guard.expired).toBe(true);
    expect(guard.stopped).toBe(true);
    expect(guard.signal.aborted).toBe(true);
    guard.dispose();
  });

  test('the deadline fires the lazily made signal while nothing is in flight', async () => {
    const guard = new CallGuard(undefined, 30, Date.now);
    const signal = guard.signal;
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    expect(guard.expired).toBe(true);
    guard.dispose();
  });

  test("the caller's abort cancels what is in flight and fires the signal, both with the caller's reason", async () => {
    const ctl = new AbortController();
    const guard = new CallGuard(ctl.signal, 10_000, Date.now);
    const signal = guard.signal;
    const c = cancelled();
    guard.beginAttempt(5_000, c.cancel);
    const why = new Error('user cancelled');
    ctl.abort(why);
    expect(await c.reason).toBe(why);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(why);
    expect(guard.callerAborted).toBe(true);
    expect(guard.expired).toBe(false);
    guard.dispose();
  });

  test('an already aborted caller signal: stopped at once, no listener added', () => {
    const signal = AbortSignal.abort(new Error('before'));
    const guard = new CallGuard(signal, 10_000, Date.now);
    expect(guard.stopped).toBe(true);
    expect(guard.reason).toBe(signal.reason);
    expect(guard.signal.aborted).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    guard.dispose();
  });

  test('one timer at a time: endAttempt and dispose release it, dispose removes the listener', () => {
    const ctl = new AbortController();
    const before = activeTimeouts();
    const guard = new CallGuard(ctl.signal, 10_000, Date.now);
    expect(activeTimeouts()).toBe(before);
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(1);
    guard.beginAttempt(5_000, () => undefined);
    expect(activeTimeouts()).toBe(before + 1);
    guard.endAttempt();
    expect(activeTimeouts()).toBe(before);
    void guard.signal; // a slow step arms the deadline
    expect(activeTimeouts()).toBe(before + 1);
    guard.beginAttempt(5_000, () => undefined); // replaces it, does not add one
    expect(activeTimeouts()).toBe(before + 1);
    guard.dispose();
    expect(activeTimeouts()).toBe(before);
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  });
});

describe.each(TRANSPORTS)('the exchange over the %s transport', (transport) => {
  const servers: TestServer[] = [];
  const clients: VbsClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function setup(handler: Parameters<typeof startServer>[0], connections?: number) {
    const server = await startServer(handler);
    servers.push(server);
    const client = new VbsClient({ endpoint: server.url, projectId: PROJECT, env: {}, credentials: Credentials.token('tok-123'), connections, transport });
    clients.push(client);
    return { server, client };
  }

  const policies = { backup_policies: [{ backup_policy_id: POLICY, backup_policy_name: 'p' }] };

  test("successful calls leave no listener on the caller's signal", async () => {
    const { client } = await setup((_r, res) => json(res, 200, policies));
    const ctl = new AbortController();
    for (let i = 0; i < 20; i++) await client.listPolicies({ signal: ctl.signal });
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  });

  test('a body in several chunks with a UTF-8 byte-order mark is read as text without the mark', async () => {
    const text = JSON.stringify({ backup_policies: [{ backup_policy_id: POLICY, backup_policy_name: 'n\u00e9e-\u65e5\u672c' }] });
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    const { client } = await setup((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
      // Split inside a multi-byte character.
      const cut = bytes.indexOf(0xc3) + 1;
      res.write(bytes.subarray(0, cut));
      setImmediate(() => res.end(bytes.subarray(cut)));
    });
    expect((await client.listPolicies()).map((p) => p.backup_policy_name)).toEqual(['n\u00e9e-\u65e5\u672c']);
  });

  test('an informational 102 before the answer is skipped', async () => {
    const { client } = await setup((_r, res) => {
      res.writeProcessing();
      json(res, 200, policies);
    });
    expect(await client.listPolicies()).toHaveLength(1);
  });

  test('a call aborted while queued for a busy connection rejects at once and is never sent', async () => {
    let release!: () => void;
    const { server, client } = await setup((r, res) => {
      if (r.method === 'GET' && server.received.length === 1) {
        release = () => json(res, 200, policies);
        return;
      }
      json(res, 200, policies);
    }, 1);
    const first = client.listPolicies();
    await until(() => server.received.length === 1);
    const ctl = new AbortController();
    const queued = client.getPolicy(POLICY, { signal: ctl.signal });
    ctl.abort(new Error('no longer needed'));
    await expect(queued).rejects.toBeInstanceOf(VbsAbortError);
    release();
    expect(await first).toHaveLength(1);
    // The one connection serves requests in order: had the aborted one been sent, it would come before this.
    await client.listPolicies();
    expect(server.received).toHaveLength(2);
  });
});
