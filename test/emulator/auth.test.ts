import { Emulator, startEmulator } from '../../src/emulator';
import { EMPTY_BODY_SHA256, formatSdkDate, signature, stringToSign } from '../../src/client/signer';
import { OTHER_PROJECT, PROJECT, call, code, eventually, signedCall } from './helpers';

const AK = 'EMULATORAK';
const SK = 'emulator-secret-key';
const list = `/v2/${PROJECT}/backuppolicy`;

function expectGateway(r: { status: number; json: { error_code: string; error_msg: string; request_id: string } }, status: number, errorCode: string): void {
  expect(r.status).toBe(status);
  expect(r.json.error_code).toBe(errorCode);
  expect(r.json.error_msg.length).toBeGreaterThan(10);
  expect(r.json.request_id).toMatch(/^[0-9a-f]{32}$/);
}

describe('emulator: authentication', () => {
  let em: Emulator;
  afterEach(() => em.stop());

  describe('with configured credentials', () => {
    beforeEach(async () => {
      em = await startEmulator({
        tokens: ['global-token', { token: 'scoped-token', projectId: PROJECT }],
        accessKeys: [{ accessKey: AK, secretKey: SK }, { accessKey: 'SCOPEDAK', secretKey: 'sk2', projectId: PROJECT }],
        users: [{ userName: 'alice', password: 'p<a>ss', domainName: 'acme' }],
        tokenTtlSeconds: 1,
      });
    });

    test('accepted tokens; scoped tokens only on their project (403 APIGW.0302)', async () => {
      expect((await call(em, 'GET', list, { token: 'global-token' })).status).toBe(200);
      expect((await call(em, 'GET', `/v2/${OTHER_PROJECT}/backuppolicy`, { token: 'global-token' })).status).toBe(200);
      expect((await call(em, 'GET', list, { token: 'scoped-token' })).status).toBe(200);
      expectGateway(await call(em, 'GET', `/v2/${OTHER_PROJECT}/backuppolicy`, { token: 'scoped-token' }), 403, 'APIGW.0302');
    });

    test('missing or unknown token: 401 APIGW.0301', async () => {
      expectGateway(await call(em, 'GET', list, { token: null }), 401, 'APIGW.0301');
      const unknown = await call(em, 'GET', list, { token: 'not-a-token' });
      expectGateway(unknown, 401, 'APIGW.0301');
      expect(unknown.text).not.toContain('not-a-token');
    });

    test('AK/SK signatures are verified for GET and for POST with a body', async () => {
      expect((await signedCall(em, 'GET', `${list}`, AK, SK)).status).toBe(200);
      const created = await signedCall(em, 'POST', list, AK, SK, {
        body: { backup_policy_name: 'signed', scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, status: 'ON' } },
      });
      expect(created.status).toBe(200);
      const id = created.json.backup_policy_id;
      const tasks = await signedCall(em, 'GET', `${list}/${id}/backuptasks?sort_key=created_at&sort_dir=desc&limit=10`, AK, SK);
      expect(tasks.status).toBe(200);
      expect((await signedCall(em, 'POST', `${list}/${id}/action`, AK, SK)).status).toBe(204);
    });

    test('wrong secret or a header changed after signing: 401 APIGW.0303 without the secret in the message', async () => {
      const wrong = await signedCall(em, 'GET', list, AK, 'wrong-secret');
      expectGateway(wrong, 401, 'APIGW.0303');
      expect(wrong.text).not.toContain('wrong-secret');
      expect(wrong.text).not.toContain(SK);
      expect(wrong.json.error_msg).toContain('canonicalRequest');
      const tampered = await signedCall(em, 'GET', list, AK, SK, { tamper: (h) => { h['X-Project-Id'] = OTHER_PROJECT; } });
      expectGateway(tampered, 401, 'APIGW.0303');
    });

    test('query parameters signed sorted before encoding (Node SDK) or after (the documented order) both pass; any other order fails', async () => {
      // ":" sorts after digits, "%3A" before them: the two orders give different canonical texts.
      const query: [string, string][] = [['a0', '1'], ['a:', '2'], ['limit', '5']];
      const path = `${list}?${query.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&')}`;
      const signedWith = (order: (q: [string, string][]) => string) => {
        const url = new URL(em.url + path);
        const headers: Record<string, string> = { Host: url.host, 'X-Sdk-Date': formatSdkDate(new Date()) };
        const text = ['GET', `${url.pathname}/`, order(query), `host:${url.host}`, `x-sdk-date:${headers['X-Sdk-Date']}`, '', 'host;x-sdk-date', EMPTY_BODY_SHA256].join('\n');
        headers.Authorization = `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=${signature(SK, stringToSign(text, headers['X-Sdk-Date']))}`;
        return call(em, 'GET', path, { token: null, headers });
      };
      expect((await signedWith(() => 'a%3A=2&a0=1&limit=5')).status).toBe(200);
      expect((await signedWith(() => 'a0=1&a%3A=2&limit=5')).status).toBe(200);
      expectGateway(await signedWith(() => 'a0=1&limit=5&a%3A=2'), 401, 'APIGW.0303');
      expectGateway(await signedWith(() => 'limit=5&a0=1&a%3A=2'), 401, 'APIGW.0303');
    });

    test('X-Sdk-Date more than 15 minutes away: 401 APIGW.0303; 14 minutes is fine', async () => {
      expectGateway(await signedCall(em, 'GET', list, AK, SK, { date: new Date(Date.now() - 16 * 60_000) }), 401, 'APIGW.0303');
      expectGateway(await signedCall(em, 'GET', list, AK, SK, { date: new Date(Date.now() + 16 * 60_000) }), 401, 'APIGW.0303');
      expect((await signedCall(em, 'GET', list, AK, SK, { date: new Date(Date.now() - 14 * 60_000) })).status).toBe(200);
    });

    test('unknown access key or malformed Authorization: 401 APIGW.0301; scoped key on another project: 403', async () => {
      expectGateway(await signedCall(em, 'GET', list, 'OTHERAK', SK), 401, 'APIGW.0301');
      expectGateway(await call(em, 'GET', list, { token: null, headers: { Authorization: 'SDK-HMAC-SHA256 garbage' } }), 401, 'APIGW.0301');
      expectGateway(await signedCall(em, 'GET', `/v2/${OTHER_PROJECT}/backuppolicy`, 'SCOPEDAK', 'sk2'), 403, 'APIGW.0302');
    });

    test('password login: 201, X-Subject-Token, expiry; the token works on its project only, then expires (APIGW.0307)', async () => {
      const login = await call(em, 'POST', '/v3/auth/tokens', {
        token: null,
        body: { auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 'p<a>ss', domain: { name: 'acme' } } } }, scope: { project: { id: PROJECT } } } },
      });
      expect(login.status).toBe(201);
      const token = login.headers.get('x-subject-token') as string;
      expect(token.length).toBeGreaterThan(20);
      expect(login.json.token.project.id).toBe(PROJECT);
      const expiresAt = Date.parse(login.json.token.expires_at);
      expect(expiresAt - Date.now()).toBeLessThanOrEqual(1000);
      expect(login.text).not.toContain('p<a>ss');
      expect((await call(em, 'GET', list, { token })).status).toBe(200);
      expectGateway(await call(em, 'GET', `/v2/${OTHER_PROJECT}/backuppolicy`, { token }), 403, 'APIGW.0302');
      expect(em.requests({ operation: 'createToken' })[0]).toMatchObject({ status: 201, projectId: PROJECT });
      const expired = await eventually(async () => {
        const r = await call(em, 'GET', list, { token });
        return r.status === 200 ? undefined : r;
      }, 5000, 'the token to expire');
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
      expectGateway(expired, 401, 'APIGW.0307');
    });

    test('password login failures: wrong password 401, malformed body 400', async () => {
      const body = (password: string) => ({ auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password, domain: { name: 'acme' } } } }, scope: { project: { id: PROJECT } } } });
      const wrong = await call(em, 'POST', '/v3/auth/tokens', { token: null, body: body('nope') });
      expectGateway(wrong, 401, 'APIGW.0301');
      expect(wrong.text).not.toContain('nope');
      expect(code(await call(em, 'POST', '/v3/auth/tokens', { token: null, body: { auth: { identity: { methods: ['token'] } } } }))).toBe('IAM.0011');
      const noScope = { auth: { identity: body('p<a>ss').auth.identity } };
      expect((await call(em, 'POST', '/v3/auth/tokens', { token: null, body: noScope })).status).toBe(400);
    });
  });

  describe('open mode (no credentials configured)', () => {
    beforeEach(async () => {
      em = await startEmulator();
    });

    test('any non-empty token works on any project; a missing token is still 401', async () => {
      expect((await call(em, 'GET', list, { token: 'anything' })).status).toBe(200);
      expect((await call(em, 'GET', `/v2/${OTHER_PROJECT}/backuppolicy`, { token: 'else' })).status).toBe(200);
      expectGateway(await call(em, 'GET', list, { token: null }), 401, 'APIGW.0301');
      expectGateway(await call(em, 'GET', list, { token: '' }), 401, 'APIGW.0301');
    });

    test('any fresh, well-formed signature and any password login are accepted', async () => {
      expect((await signedCall(em, 'GET', list, 'ANYAK', 'any')).status).toBe(200);
      expectGateway(await signedCall(em, 'GET', list, 'ANYAK', 'any', { date: new Date(Date.now() - 3_600_000) }), 401, 'APIGW.0303');
      const login = await call(em, 'POST', '/v3/auth/tokens', {
        token: null,
        body: { auth: { identity: { methods: ['password'], password: { user: { name: 'u', password: 'p', domain: { name: 'd' } } } }, scope: { project: { id: PROJECT } } } },
      });
      expect(login.status).toBe(201);
      const token = login.headers.get('x-subject-token') as string;
      expectGateway(await call(em, 'GET', `/v2/${OTHER_PROJECT}/backuppolicy`, { token }), 403, 'APIGW.0302');
    });
  });
});
