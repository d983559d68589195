import { canonicalQueryString, canonicalRequest, formatSdkDate, parseAuthorization, parseSdkDate, sign } from '../../src/client/signer';
import { createHash } from 'node:crypto';

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

  const project = '17fbda95add24720a4038ba4b1c705ed';
  const policy = 'af8a20b0-117d-4fc3-ae53-aa3968a4f870';
  const host = 'vbs.eu-de.otc.t-systems.com';

  test('self-computed vector: execute', () => {
    const headers = { 'Content-Type': 'application/json', Host: host, 'X-Project-Id': project, 'X-Sdk-Date': '20240101T000000Z' };
    const req = { method: 'POST', path: `/v2/${project}/backuppolicy/${policy}/action`, headers };
    const names = ['content-type', 'host', 'x-project-id', 'x-sdk-date'];
    expect(createHash('sha256').update(canonicalRequest(req, names)).digest('hex')).toBe(
      '9dfd9180ae12b1cba7a4365405f2bc59a32371370db45e19eba419fad767af81',
    );
    expect(sign(req, 'AK', 'EXAMPLESECRETKEY', names).signature).toBe('ea0b2439e131123763e983cf55281912c932c76027fa45309cbc1b6108b90474');
  });

  test('self-computed vector: list jobs', () => {
    const query: [string, string][] = [['sort_key', 'created_at'], ['sort_dir', 'desc'], ['limit', '10']];
    expect(canonicalQueryString(query)).toBe('limit=10&sort_dir=desc&sort_key=created_at');
    const req = { method: 'GET', path: `/v2/${project}/backuppolicy/${policy}/backuptasks`, query, headers: { Host: host, 'X-Sdk-Date': '20240101T000000Z' } };
    const names = ['host', 'x-sdk-date'];
    expect(createHash('sha256').update(canonicalRequest(req, names)).digest('hex')).toBe(
      'e9cc85320d2707ff73ac70992cc78d7ec6427be41cb414d81e0c3e3b9541e039',
    );
    expect(sign(req, 'AK', 'EXAMPLESECRETKEY', names).signature).toBe('5eb073bad10a928cd4eb58eb546347fac40574c63d5f68f20b403be726b6724d');
  });

  test('canonical query: go-v3 encoding and multi-values', () => {
    const q: [string, string][] = [['test', '一 (&=?!#%.*)'], ['multi', '2'], ['path', '/tmp/123'], ['multi', '1'], ['enable', 'true'], ['limit', '1'], ['multi', '3']];
    expect(canonicalQueryString(q)).toBe(
      'enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29',
    );
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
