import { VbsApiError } from '../../src/client';
import { parseApiError } from '../../src/client/errors';
import { backoffDelay, parseRetryAfter, retrySchedule } from '../../src/client/retry';
import { makeRedactor } from '../../src/client/errors';
import { nextDelay } from '../../src/client/retry';
import { parseApiTime } from '../../src/client/jobs';
import { newestPerVolumeSince, waitSettled, Job } from '../../src/client/jobs';

const none = makeRedactor(() => []);

describe('parseApiError', () => {
  test('service shape {"error":{code,message}}', () => {
    const e = parseApiError('executePolicy', 409, '{"error":{"message":"policy is executing","code":"AutoBackup.0225"}}', { 'x-request-id': 'rid-1' }, none);
    expect(e).toBeInstanceOf(VbsApiError);
    expect([e.status, e.code, e.apiMessage, e.requestId, e.operation]).toEqual([409, 'AutoBackup.0225', 'policy is executing', 'rid-1', 'executePolicy']);
    expect(e.message).toBe('executePolicy failed: HTTP 409 AutoBackup.0225: policy is executing (request id rid-1)');
  });

  test('gateway shape {"error_code","error_msg","request_id"}', () => {
    const body = '{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached","request_id":"abc123"}';
    const e = parseApiError('listPolicies', 429, body, {}, none);
    expect([e.code, e.apiMessage, e.requestId]).toEqual(['APIGW.0308', 'The throttling threshold has been reached', 'abc123']);
    expect(e.message).toBe('listPolicies failed: HTTP 429 APIGW.0308: The throttling threshold has been reached (request id abc123)');
  });

  test.each([
    ['HTML', '<html><body><h1>502 Bad Gateway</h1></body></html>', /^listJobs failed: HTTP 502 HTTP_502: unexpected body: <html><body><h1>502 Bad Gateway/],
    ['empty', '', /^listJobs failed: HTTP 502 HTTP_502: \(empty body\)$/],
    ['truncated JSON', '{"error":{"code":"AutoBack', /HTTP_502: unexpected body: \{"error":\{"code":"AutoBack$/],
    ['JSON without error fields', '{"foo":1}', /HTTP_502: unexpected body: \{"foo":1\}$/],
  ])('neither shape (%s) gives HTTP_<status> and an excerpt', (_name, body, re) => {
    const e = parseApiError('listJobs', 502, body, {}, none);
    expect(e.code).toBe('HTTP_502');
    expect(e.message).toMatch(re);
  });

  test('a long garbage body is cut to a short excerpt', () => {
    const e = parseApiError('listJobs', 500, 'x'.repeat(100_000), {}, none);
    expect(e.message.length).toBeLessThan(260);
  });

  test('secrets echoed by the server are redacted', () => {
    const red = makeRedactor(() => ['CANARY-SECRET-VALUE']);
    const body = JSON.stringify({
      error_code: 'APIGW.0303',
      error_msg: `Incorrect app authentication information: canonicalRequest:GET|/x/||x-security-token:CANARY-SECRET-VALUE| Signature=${'ab'.repeat(32)} X-Auth-Token: MIIverylongtoken`,
    });
    const e = parseApiError('listPolicies', 401, body, {}, red);
    expect(e.message).not.toContain('CANARY-SECRET-VALUE');
    expect(e.message).not.toContain('ab'.repeat(32));
    expect(e.message).not.toContain('MIIverylongtoken');
    expect(e.message).toContain('APIGW.0303');
  });
});

describe('retry schedule', () => {
  const s = retrySchedule({ baseDelayMs: 250, maxDelayMs: 8000 });

  test('capped exponential back-off with full jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, s, () => 0.999999))).toEqual([249, 499, 999, 1999, 3999, 7999, 7999, 7999]);
    expect([1, 2, 3].map((n) => backoffDelay(n, s, () => 0.5))).toEqual([125, 250, 500]);
    expect(backoffDelay(3, s, () => 0)).toBe(0);
  });

  test('defaults and validation', () => {
    expect(retrySchedule()).toEqual({ maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 8000, maxRetryAfterMs: 30000 });
    expect(() => retrySchedule({ maxAttempts: 0 })).toThrow(/retry.maxAttempts is 0; expected an integer >= 1/);
  });

  test('Retry-After in seconds or as an HTTP date, capped', () => {
    const now = Date.UTC(2024, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(new Date(now + 7000).toUTCString(), now)).toBe(7000);
    expect(parseRetryAfter(new Date(now - 7000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(nextDelay(1, s, () => 0.9, 3000)).toBe(3000);
    expect(nextDelay(1, s, () => 0.9, 3_600_000)).toBe(30000);
    expect(nextDelay(1, s, () => 0.9, undefined)).toBe(225);
  });
});

describe('jobs', () => {
  test('zone-less API timestamps are UTC', () => {
    expect(parseApiTime('2016-12-03T06:24:34.467')?.toISOString()).toBe('2016-12-03T06:24:34.467Z');
    expect(parseApiTime('2016-12-03T06:24:34Z')?.toISOString()).toBe('2016-12-03T06:24:34.000Z');
    expect(parseApiTime('2016-12-03T08:24:34+02:00')?.toISOString()).toBe('2016-12-03T06:24:34.000Z');
    expect(parseApiTime('garbage')).toBeUndefined();
  });

  const job = (id: string, vol: string, at: string, final = true): Job => ({
    jobId: id, resourceId: vol, createdAt: parseApiTime(at)!, status: final ? 'EXECUTE_SUCCESS' : 'RUNNING', backupName: 'autobk_0000', final,
  });

  test('newest job per volume, at/after since', () => {
    const since = parseApiTime('2024-01-01T00:00:00.000')!;
    const jobs = [job('old', 'v1', '2023-12-31T23:59:59.999'), job('a', 'v1', '2024-01-01T00:00:00.000'), job('b', 'v1', '2024-01-01T00:00:05.000'), job('c', 'v2', '2024-01-01T00:00:01.000')];
    expect(newestPerVolumeSince(jobs, since).map((j) => j.jobId)).toEqual(['b', 'c']);
  });

  test('settled only when all final, every volume seen (or grace over); empty only for a policy without volumes', () => {
    const f = job('a', 'v1', '2024-01-01T00:00:00'), r = job('b', 'v2', '2024-01-01T00:00:00', false);
    expect(waitSettled([f, r], 2, true)).toBe(false);
    expect(waitSettled([f], 2, false)).toBe(false);
    expect(waitSettled([f], 2, true)).toBe(true);
    expect(waitSettled([], 0, false)).toBe(false);
    expect(waitSettled([], 0, true)).toBe(true);
    expect(waitSettled([], 1, true)).toBe(false);
  });
});
