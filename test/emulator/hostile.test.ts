import { request } from 'node:http';
import { Emulator, startEmulator } from '../../src/emulator';
import { MAX_BODY_BYTES } from '../../src/emulator/http-io';
import { PROJECT, Reply, TOKEN, call, code, createPolicy, policyBody, emulatorPerTest } from './helpers';

/** A raw HTTP request with node:http (fetch would normalise `..` in paths). */
function raw(em: Emulator, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Reply['json']; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${em.url}${path}`, { method, headers: { 'X-Auth-Token': TOKEN, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('emulator: hostile input', () => {
  let em: Emulator;
  emulatorPerTest((e) => (em = e));

  const base = `/v2/${PROJECT}/backuppolicy`;
  const stillServing = async () => expect((await call(em, 'GET', base)).status).toBe(200);

  test('a body over 1 MiB: 413 APIGW.0201, and the server keeps serving', async () => {
    const big = JSON.stringify({ ...policyBody(), padding: 'x'.repeat(MAX_BODY_BYTES + 10) });
    const r = await call(em, 'POST', base, { raw: big, headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(413);
    expect(r.json.error_code).toBe('APIGW.0201');
    await stillServing();
  });

  test('invalid JSON: 400 AutoBackup.0008 without echoing the body', async () => {
    const r = await call(em, 'POST', base, { raw: '{"backup_policy_name": "leak-me", ', headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(code(r)).toBe('AutoBackup.0008');
    expect(r.text).not.toContain('leak-me');
  });

  test('JSON that is not an object: 400 AutoBackup.0001', async () => {
    for (const body of ['[]', 'null', '42', '"x"']) {
      const r = await call(em, 'POST', base, { raw: body, headers: { 'Content-Type': 'application/json' } });
      expect([r.status, code(r)]).toEqual([400, 'AutoBackup.0001']);
    }
  });

  test('a deeply nested body is a 4xx, not a crash', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const r = await call(em, 'POST', base, { raw: deep, headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    await stillServing();
  });

  test('wrong content type: 415 with a clear message; charset parameters are fine', async () => {
    const r = await call(em, 'POST', base, { raw: JSON.stringify(policyBody()), headers: { 'Content-Type': 'text/plain' } });
    expect(r.status).toBe(415);
    expect(r.json.error.message).toContain('application/json');
    const ok = await call(em, 'POST', base, { raw: JSON.stringify(policyBody()), headers: { 'Content-Type': 'application/json;charset=utf8' } });
    expect(ok.status).toBe(200);
  });

  test("'<' or '>' in body, query or path: 400 AutoBackup.0221", async () => {
    expect(code(await call(em, 'POST', base, { body: policyBody('<script>') }))).toBe('AutoBackup.0221');
    expect(code(await call(em, 'POST', base, { body: { ...policyBody(), x: { y: ['a>b'] } } }))).toBe('AutoBackup.0221');
    const id = await createPolicy(em);
    expect(code(await call(em, 'GET', `${base}/${id}/backuptasks?status=%3Cb%3E`))).toBe('AutoBackup.0221');
    expect(code(await call(em, 'POST', `${base}/%3Cimg%3E/action`))).toBe('AutoBackup.0221');
  });

  test('path traversal in ids is just an unknown id', async () => {
    for (const path of [`${base}/../../../etc/passwd/action`, `${base}/..%2F..%2Fetc%2Fpasswd/action`, `${base}/%2e%2e/tags`]) {
      const r = await raw(em, path.endsWith('tags') ? 'GET' : 'POST', path);
      expect(r.status).toBe(404);
      expect(['AutoBackup.0205', 'APIGW.0101']).toContain(r.json.error?.code ?? r.json.error_code);
    }
    await stillServing();
  });

  test('malformed percent-encoding: 400 APIGW.0201', async () => {
    const r = await raw(em, 'GET', `${base}/%E0%A4%A/tags`);
    expect(r.status).toBe(400);
    expect(r.json.error_code).toBe('APIGW.0201');
  });

  test('huge URLs: 414 (over 8 KiB) and 431 (over the header limit), JSON bodies, no hang', async () => {
    const long = await raw(em, 'GET', `${base}?x=${'a'.repeat(9000)}`);
    expect(long.status).toBe(414);
    expect(long.json.error_code).toBe('APIGW.0201');
    const huge = await raw(em, 'GET', `${base}?x=${'a'.repeat(20000)}`);
    expect(huge.status).toBe(431);
    expect(huge.json.error_code).toBe('APIGW.0201');
    await stillServing();
  });

  test.each([
    ['GET', '/'], ['GET', '/v2'], ['GET', `/v2/${PROJECT}/unknown`], ['DELETE', base], ['PATCH', `${base}/x`],
    ['GET', '/v1/jobs'], ['GET', `/v2/${PROJECT}/backuppolicy/x/y/z/w`], ['GET', '/v2/bad$project/backuppolicy'], ['GET', '/v3/auth/tokens'],
  ])('unknown route %s %s: 404 APIGW.0101', async (method, path) => {
    const r = await raw(em, method, path);
    expect(r.status).toBe(404);
    expect(r.json.error_code).toBe('APIGW.0101');
    expect(em.requests().at(-1)).toMatchObject({ operation: 'unknown', status: 404 });
  });
});

describe('emulator: start and stop', () => {
  test('refuses a non-loopback host unless allowRemote, and bad numbers', async () => {
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(/not a loopback address.*allowRemote/);
    await expect(startEmulator({ jobSeconds: -1 })).rejects.toThrow(/jobSeconds/);
    await expect(startEmulator({ maxPolicies: 0 })).rejects.toThrow(/maxPolicies/);
    await expect(startEmulator({ port: 70000 })).rejects.toThrow(/port/);
    await expect(startEmulator({ tokens: [''] })).rejects.toThrow(/tokens/);
  });

  test('url, host and port; stop closes idle keep-alive connections and is idempotent', async () => {
    const em = await startEmulator();
    expect(em.url).toBe(`http://127.0.0.1:${em.port}`);
    expect(em.host).toBe('127.0.0.1');
    expect(em.port).toBeGreaterThan(0);
    expect((await call(em, 'GET', `/v2/${PROJECT}/backuppolicy`)).status).toBe(200);
    await em.stop();
    await em.stop();
    await expect(call(em, 'GET', `/v2/${PROJECT}/backuppolicy`)).rejects.toThrow();
  });

  test('stop does not wait for a delayed request: the client sees the connection end', async () => {
    const em = await startEmulator();
    em.addFault({ operation: 'listPolicies', delayMs: 600_000 });
    const outcome = new Promise<string>((resolve) => {
      const req = request(`${em.url}/v2/${PROJECT}/backuppolicy`, { headers: { 'X-Auth-Token': TOKEN }, agent: false }, (res) => resolve(`answered ${res.statusCode}`));
      req.on('error', (e) => resolve(`error ${e.message}`));
      req.on('finish', () => void em.stop());
      req.end();
    });
    expect(await outcome).toMatch(/^error /);
  });
});
