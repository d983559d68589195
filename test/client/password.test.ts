import { Credentials, VbsApiError, VbsClient } from '../../src/client';
import { closedAfterEach, json, POLICY, PROJECT, Received, startServer } from './http-server';
import { ServerResponse } from 'node:http';
import { TRANSPORTS, VbsTransport } from '../../src/client/transport';

const { servers, clients } = closedAfterEach<VbsClient>();
/** The transport the clients of the running `describe.each` use. */
let transport: VbsTransport = 'undici';

const user = { userName: 'alice', password: 'CANARY-PASSWORD-77', domainName: 'acme' };

/** IAM + VBS on one loopback server: issues tok-1, tok-2, ...; `valid` decides which tokens VBS accepts. */
async function iamAndVbs(o: { ttlMs?: number; valid?: (token: string) => boolean; loginStatus?: number } = {}) {
  let issued = 0;
  const logins: unknown[] = [];
  const server = await startServer((r: Received, res: ServerResponse) => {
    if (r.path === '/v3/auth/tokens' && r.method === 'POST') {
      logins.push(JSON.parse(r.body));
      if (o.loginStatus) return json(res, o.loginStatus, { error: { code: 'IAM.0011', message: `bad password ${user.password}` } });
      const token = `tok-${++issued}`;
      const expires = new Date(Date.now() + (o.ttlMs ?? 86_400_000)).toISOString();
      return json(res, 201, { token: { expires_at: expires, methods: ['password'] } }, { 'x-subject-token': token });
    }
    const token = String(r.headers['x-auth-token']);
    if (o.valid && !o.valid(token)) return json(res, 401, { error_code: 'APIGW.0307', error_msg: 'The token must be updated.' });
    return json(res, 200, { backup_policies: [] });
  });
  servers.push(server);
  const client = new VbsClient({ endpoint: server.url, projectId: PROJECT, env: {}, credentials: Credentials.password(user), random: () => 0, transport });
  clients.push(client);
  const vbsTokens = (): string[] => server.received.filter((r) => r.path.startsWith('/v2/')).map((r) => String(r.headers['x-auth-token']));
  return { server, client, logins, vbsTokens };
}

describe.each(TRANSPORTS)('over the %s transport', (kind) => {
  beforeAll(() => {
    transport = kind;
  });

  test('logs in once with a project-scoped password body and reuses the token', async () => {
    const { client, logins, vbsTokens } = await iamAndVbs();
    await client.listPolicies();
    await client.listPolicies();
    await Promise.all([client.listPolicies(), client.listPolicies()]);
    expect(logins).toEqual([{
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'alice', password: user.password, domain: { name: 'acme' } } } },
        scope: { project: { id: PROJECT } },
      },
    }]);
    expect(vbsTokens()).toEqual(['tok-1', 'tok-1', 'tok-1', 'tok-1']);
  });

  test('renews the token before it expires (expires_at)', async () => {
    const { client, logins, vbsTokens } = await iamAndVbs({ ttlMs: 60_000 });
    await client.listPolicies();
    await client.listPolicies();
    expect(logins).toHaveLength(2);
    expect(vbsTokens()).toEqual(['tok-1', 'tok-2']);
  });

  test('a 401 renews the token once and resends', async () => {
    const { client, logins, vbsTokens } = await iamAndVbs({ valid: (t) => t !== 'tok-1' });
    await client.getTags(POLICY).catch(() => undefined);
    expect(logins).toHaveLength(2);
    expect(vbsTokens()).toEqual(['tok-1', 'tok-2']);
  });

  test('a second 401 after renewal is thrown, not looped', async () => {
    const { client, logins } = await iamAndVbs({ valid: () => false });
    await expect(client.listPolicies()).rejects.toMatchObject({ status: 401, code: 'APIGW.0307' });
    expect(logins).toHaveLength(2);
  });

  test('a refused login is a createToken VbsApiError without the password', async () => {
    const { client } = await iamAndVbs({ loginStatus: 401 });
    const err = (await client.listPolicies().catch((e: unknown) => e)) as VbsApiError;
    expect(err).toBeInstanceOf(VbsApiError);
    expect(err.operation).toBe('createToken');
    expect(err.message).toMatch(/^createToken failed: HTTP 401 IAM.0011: bad password \*\*\*/);
    expect(`${err.message}${err.stack}`).not.toContain(user.password);
  });

  test('the auth URL comes from HW_AUTH_URL when set', async () => {
    const iam = await iamAndVbs();
    const vbs = await startServer((_r, res) => json(res, 200, { backup_policies: [] }));
    servers.push(vbs);
    const client = new VbsClient({
      endpoint: vbs.url, projectId: PROJECT, env: { HW_AUTH_URL: `${iam.server.url}/v3` }, credentials: Credentials.password(user), transport,
    });
    clients.push(client);
    await client.listPolicies();
    expect(iam.logins).toHaveLength(1);
    expect(vbs.received[0].headers['x-auth-token']).toBe('tok-1');
  });
});
