import { inspect } from 'node:util';
import { Credentials, RetryInfo, VbsAbortError, VbsApiError, VbsClient, VbsClientOptions, VbsNetworkError, VbsTimeoutError } from '../../src/client';
import { sign } from '../../src/client/signer';
import { TRANSPORTS, VbsTransport } from '../../src/client/transport';
import { closedAfterEach, drop, json, noContent, POLICY, PROJECT, startServer, until } from './http-server';

const { servers, clients } = closedAfterEach<VbsClient>();
/** The transport the clients of the running `describe.each` use. */
let transport: VbsTransport = 'undici';

async function setup(handler: Parameters<typeof startServer>[0], o: Partial<VbsClientOptions> = {}) {
  const server = await startServer(handler);
  servers.push(server);
  const retries: RetryInfo[] = [];
  const client = new VbsClient({
    endpoint: server.url, projectId: PROJECT, env: {}, credentials: Credentials.token('tok-123'),
    random: () => 0, onRetry: (i) => retries.push(i), transport, ...o,
  });
  clients.push(client);
  return { server, client, retries };
}

const policies = { backup_policies: [{ backup_policy_id: POLICY, backup_policy_name: 'p', scheduled_policy: {}, policy_resource_count: 0 }] };

describe.each(TRANSPORTS)('over the %s transport', (kind) => {
  beforeAll(() => {
    transport = kind;
  });

  test('token credentials: X-Auth-Token on every request, JSON parsed', async () => {
    const { server, client } = await setup((_r, res) => json(res, 200, policies));
    expect((await client.listPolicies()).map((p) => p.backup_policy_id)).toEqual([POLICY]);
    expect(server.received[0].headers['x-auth-token']).toBe('tok-123');
    expect(server.received[0].path).toBe(`/v2/${PROJECT}/backuppolicy`);
  });

  test('access key credentials: the server can verify the signature over the exact bytes sent', async () => {
    const { server, client } = await setup((_r, res) => json(res, 200, { backup_policy_id: POLICY }), {
      credentials: Credentials.accessKey('AKEXAMPLE', 'SKEXAMPLE', 'STS-TOKEN'),
    });
    await client.createPolicy({ backup_policy_name: 'n\u00e9e', scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 2, status: 'ON' } });
    await client.listJobs(POLICY, { sortDir: 'desc', sortKey: 'created_at', limit: 10 }).catch(() => undefined);
    for (const r of server.received) {
      const auth = String(r.headers.authorization);
      expect(auth).toMatch(/^SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, Signature=[0-9a-f]{64}$/);
      expect(r.headers['x-project-id']).toBe(PROJECT);
      expect(r.headers['x-security-token']).toBe('STS-TOKEN');
      const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
      const again = sign({ method: r.method, path: r.path, query: [...r.url.searchParams.entries()], headers, body: r.body || undefined }, 'AKEXAMPLE', 'SKEXAMPLE',
        ['content-type', 'host', 'x-project-id', 'x-sdk-date', 'x-security-token']);
      expect(auth).toBe(again.authorization);
    }
    expect(server.received[1].url.search).toBe('?sort_key=created_at&sort_dir=desc&limit=10');
  });

  test('retries 503 and dropped connections for idempotent calls, then succeeds', async () => {
    let n = 0;
    const { server, client, retries } = await setup((_r, res) => {
      n++;
      if (n === 1) return json(res, 503, { error: { code: 'X', message: 'busy' } });
      if (n === 2) return drop(res);
      return json(res, 200, policies);
    });
    expect(await client.listPolicies()).toHaveLength(1);
    expect(server.received).toHaveLength(3);
    expect(retries.map((r) => r.error.constructor.name)).toEqual(['VbsApiError', 'VbsNetworkError']);
  });

  test('429 is retried honouring Retry-After (capped), and gives up after maxAttempts', async () => {
    const { server, client, retries } = await setup(
      (_r, res) => json(res, 429, { error_code: 'APIGW.0308', error_msg: 'throttled', request_id: 'r9' }, { 'retry-after': '120' }),
      { retry: { maxAttempts: 3, maxRetryAfterMs: 20 } },
    );
    const err = await client.listPolicies().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VbsApiError);
    expect((err as VbsApiError).message).toBe('listPolicies failed: HTTP 429 APIGW.0308: throttled (request id r9)');
    expect(server.received).toHaveLength(3);
    expect(retries.map((r) => r.delayMs)).toEqual([20, 20]);
  });

  test('a 4xx other than 429 is not retried', async () => {
    const { server, client } = await setup((_r, res) => json(res, 400, { error: { code: 'AutoBackup.0106', message: 'bad frequency' } }));
    await expect(client.updatePolicy(POLICY, {})).rejects.toMatchObject({ status: 400, code: 'AutoBackup.0106', operation: 'updatePolicy' });
    expect(server.received).toHaveLength(1);
  });

  test('garbage bodies become HTTP_<status> errors with an excerpt', async () => {
    const { client } = await setup((_r, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head></html>');
    }, { retry: { maxAttempts: 2 } });
    await expect(client.listPolicies()).rejects.toThrow(/^listPolicies failed: HTTP 502 HTTP_502: unexpected body: <html><head><title>502 Bad Gateway/);
  });

  test('a truncated success body is an error, not a crash', async () => {
    const { client } = await setup((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"backup_policies":[{"backup_po');
    });
    await expect(client.listPolicies()).rejects.toMatchObject({ code: 'HTTP_200', operation: 'listPolicies' });
  });

  test('createPolicy is not re-sent after an ambiguous failure, but is after a 429', async () => {
    let n = 0;
    const { server, client } = await setup((_r, res) => (++n === 1 ? json(res, 429, { error_code: 'APIGW.0308', error_msg: 't' }) : json(res, 503, {})));
    await expect(client.createPolicy({ backup_policy_name: 'x' })).rejects.toMatchObject({ status: 503 });
    expect(server.received).toHaveLength(2);
  });

  test('connection refused is a VbsNetworkError (not sent), retried', async () => {
    const server = await startServer((_r, res) => noContent(res));
    const url = server.url;
    await server.close();
    const retries: RetryInfo[] = [];
    const client = new VbsClient({ endpoint: url, projectId: PROJECT, env: {}, credentials: Credentials.token('t'), random: () => 0, onRetry: (i) => retries.push(i), retry: { maxAttempts: 3 }, transport });
    clients.push(client);
    const err = await client.createPolicy({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VbsNetworkError);
    expect((err as VbsNetworkError).maybeSent).toBe(false);
    expect((err as Error).message).toMatch(/^createPolicy failed: network error talking to 127\.0\.0\.1:\d+: ECONNREFUSED/);
    expect(retries).toHaveLength(2);
  });

  test('abort: the caller signal stops a hanging call', async () => {
    const { server, client } = await setup(() => undefined);
    const ctl = new AbortController();
    const p = client.listPolicies({ signal: ctl.signal });
    await until(() => server.received.length === 1);
    ctl.abort(new Error('user cancelled'));
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VbsAbortError);
    expect((err as VbsAbortError).operation).toBe('listPolicies');
  });

  test('an already aborted signal sends nothing', async () => {
    const { server, client } = await setup((_r, res) => json(res, 200, policies));
    await expect(client.listPolicies({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(VbsAbortError);
    expect(server.received).toHaveLength(0);
  });

  test('overall deadline: timeoutMs bounds the call, retries included', async () => {
    const { client } = await setup(() => undefined, { attemptTimeoutMs: 60_000 });
    const t = Date.now();
    const err = await client.listPolicies({ timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VbsTimeoutError);
    expect((err as Error).message).toMatch(/listPolicies timed out: no answer within the call timeout of 300 ms/);
    expect(Date.now() - t).toBeLessThan(5000);
  });

  test('attempt timeout: a hanging attempt is abandoned and retried', async () => {
    let n = 0;
    const { server, client, retries } = await setup((_r, res) => (++n === 1 ? undefined : json(res, 200, policies)), { attemptTimeoutMs: 200 });
    expect(await client.listPolicies()).toHaveLength(1);
    expect(server.received).toHaveLength(2);
    expect(retries[0].error).toBeInstanceOf(VbsTimeoutError);
  });

  test('secrets never appear in error messages (canary values)', async () => {
    // The server echoes what it received plus the secrets the client holds (as a hostile or buggy gateway might).
    const variants: [Credentials, string[]][] = [
      [Credentials.accessKey('AKCANARY', 'CANARY-SK-0000-1111', 'CANARY-STS-2222-3333'), ['CANARY-SK-0000-1111', 'CANARY-STS-2222-3333']],
      [Credentials.token('CANARY-TOKEN-4444'), ['CANARY-TOKEN-4444']],
    ];
    for (const [credentials, canaries] of variants) {
      const { client } = await setup((r, res) => json(res, 401, { error_code: 'APIGW.0303', error_msg: `echo ${JSON.stringify(r.headers)} ${r.body} ${canaries.join(' ')}` }), { credentials });
      const err = (await client.executePolicy(POLICY).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(VbsApiError);
      const text = [err.message, err.stack, inspect(err, { depth: 5 }), JSON.stringify(err)].join('\n');
      expect(text).toContain('APIGW.0303');
      for (const c of canaries) expect(text).not.toContain(c);
      expect(text).not.toMatch(/Signature=[0-9a-f]{64}/);
    }
  });
});
