import { canonicalQueryString, formatSdkDate, parseAuthorization, parseSdkDate, sign } from '../../src/client/signer';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials';

describe('SDK-HMAC-SHA256 signer', () => {
  test('TV2: GET with query, only x-sdk-date signed', () => {
    const r = sign(
      { method: 'GET', path: '/path', query: [['limit', '1']], headers: { 'X-Sdk-Date': '20060102T150405Z', host: 'example.huaweicloud.com' } },
      'AccessKey', 'SecretKey', ['x-sdk-date'],
    );
    expect(r.authorization).toBe(
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624',
    );
  });

  test('TV3: POST body with trailing newline', () => {
    const r = sign(
      { method: 'POST', path: '/path', query: [['key', 'value']], headers: { 'X-Sdk-Date': '20060102T150405Z' }, body: '{"Name":"test","Id":1}\n' },
      'AccessKey', 'SecretKey', ['x-sdk-date'],
    );
    expect(r.signature).toBe('cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59');
  });

  // Requests of this API, checked against Huawei's own Node signer (no value computed by
  // the code under test). test/client/sdk-oracle.test.ts has the full table.
  const project = '17fbda95add24720a4038ba4b1c705ed';
  const policy = 'af8a20b0-117d-4fc3-ae53-aa3968a4f870';
  const host = 'vbs.eu-de.otc.t-systems.com';
  const sdkAuthorization = (method: string, path: string, query: Record<string, string>, headers: Record<string, string>): string => {
    const signed = AKSKSigner.sign({ method, endpoint: `https://${host}${path}`, queryParams: query, headers }, new BasicCredentials({ ak: 'AK', sk: 'EXAMPLESECRETKEY' })) as Record<string, string>;
    return signed.Authorization;
  };

  test('execute (POST, no body, content-type, host, x-project-id, x-sdk-date signed) as the SDK signs it', () => {
    const path = `/v2/${project}/backuppolicy/${policy}/action`;
    const headers = { 'Content-Type': 'application/json', 'X-Project-Id': project, 'X-Sdk-Date': '20240101T000000Z' };
    const r = sign({ method: 'POST', path, headers: { ...headers, Host: host } }, 'AK', 'EXAMPLESECRETKEY', ['content-type', 'host', 'x-project-id', 'x-sdk-date']);
    expect(r.authorization).toBe(sdkAuthorization('POST', path, {}, headers));
    expect(r.canonicalRequest.split('\n').slice(0, 3)).toEqual(['POST', `${path}/`, '']);
  });

  test('list jobs (GET with a query, host and x-sdk-date signed) as the SDK signs it', () => {
    const query: [string, string][] = [['sort_key', 'created_at'], ['sort_dir', 'desc'], ['limit', '10']];
    expect(canonicalQueryString(query)).toBe('limit=10&sort_dir=desc&sort_key=created_at');
    const path = `/v2/${project}/backuppolicy/${policy}/backuptasks`;
    const r = sign({ method: 'GET', path, query, headers: { Host: host, 'X-Sdk-Date': '20240101T000000Z' } }, 'AK', 'EXAMPLESECRETKEY', ['host', 'x-sdk-date']);
    expect(r.authorization).toBe(sdkAuthorization('GET', path, Object.fromEntries(query), { 'X-Sdk-Date': '20240101T000000Z' }));
  });

  test('a body is hashed as its exact bytes, as the SDK hashes its JSON', () => {
    const body = { backup_policy_name: 'nightly-db', scheduled_policy: { start_time: '02:00', status: 'ON' } };
    const path = `/v2/${project}/backuppolicy`;
    const headers = { 'Content-Type': 'application/json', 'X-Sdk-Date': '20240101T000000Z' };
    const signed = AKSKSigner.sign({ method: 'POST', endpoint: `https://${host}${path}`, headers, data: body }, new BasicCredentials({ ak: 'AK', sk: 'EXAMPLESECRETKEY' })) as Record<string, string>;
    const r = sign({ method: 'POST', path, headers: { ...headers, Host: host }, body: JSON.stringify(body) }, 'AK', 'EXAMPLESECRETKEY', ['content-type', 'host', 'x-sdk-date']);
    expect(r.authorization).toBe(signed.Authorization);
    const other = sign({ method: 'POST', path, headers: { ...headers, Host: host }, body: JSON.stringify(body, null, 1) }, 'AK', 'EXAMPLESECRETKEY', ['content-type', 'host', 'x-sdk-date']);
    expect(other.authorization).not.toBe(signed.Authorization);
  });

  test('canonical query: go-v3 encoding and multi-values', () => {
    const q: [string, string][] = [['test', '一 (&=?!#%.*)'], ['multi', '2'], ['path', '/tmp/123'], ['multi', '1'], ['enable', 'true'], ['limit', '1'], ['multi', '3']];
    expect(canonicalQueryString(q)).toBe(
      'enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29',
    );
    // Here sorting before or after encoding gives the same text.
    expect(canonicalQueryString(q, 'decoded')).toBe(canonicalQueryString(q));
  });

  test('canonical query: the two orders differ where encoding moves a character', () => {
    // ":" (0x3A) sorts after digits, its encoding "%3A" before them; "é" after "z", "%C3%A9" before.
    const q: [string, string][] = [['a0', '1'], ['a:', '2'], ['v', 'é'], ['v', 'z']];
    expect(canonicalQueryString(q)).toBe('a%3A=2&a0=1&v=%C3%A9&v=z');
    expect(canonicalQueryString(q, 'decoded')).toBe('a0=1&a%3A=2&v=z&v=%C3%A9');
  });

  test('sdk date round trip and authorization parsing', () => {
    const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(formatSdkDate(d)).toBe('20240102T030405Z');
    expect(parseSdkDate('20240102T030405Z')?.getTime()).toBe(d.getTime());
    expect(parseSdkDate('2024-01-02')).toBeUndefined();
    const parsed = parseAuthorization(`SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=${'a'.repeat(64)}`);
    expect(parsed).toEqual({ accessKey: 'AK', signedHeaders: ['host', 'x-sdk-date'], signature: 'a'.repeat(64) });
    expect(parseAuthorization('Bearer x')).toBeUndefined();
  });

  test('sign refuses a request without X-Sdk-Date', () => {
    expect(() => sign({ method: 'GET', path: '/', headers: {} }, 'a', 'b', ['host'])).toThrow(/X-Sdk-Date/);
  });
});
