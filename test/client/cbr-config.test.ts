/**
 * CbrClient's construction: the CBR endpoint (option, CBR_ENDPOINT, derived per cloud), and
 * `shared()` keyed like VbsClient's but apart from it.
 */
import { CbrClient, Credentials, VbsClient, VbsConfigError } from '../../src/client';

const PROJECT = '0123456789abcdef0123456789abcdef';

describe('CbrClient configuration', () => {
  test.each([
    ['CBR_ENDPOINT wins over VBS_ENDPOINT', { CBR_ENDPOINT: 'http://127.0.0.1:8787/', VBS_ENDPOINT: 'http://127.0.0.1:9' }, 'http://127.0.0.1:8787'],
    ['derived on Huawei Cloud', { HW_REGION_NAME: 'cn-north-4' }, 'https://cbr.cn-north-4.myhuaweicloud.com'],
    ['derived on Open Telekom Cloud', { OS_REGION_NAME: 'eu-de', VBS_CLOUD: 'otc' }, 'https://cbr.eu-de.otc.t-systems.com'],
    ['derived on Flexible Engine', { HW_REGION_NAME: 'eu-west-0', VBS_CLOUD: 'flexibleengine' }, 'https://cbr.eu-west-0.prod-cloud-ocb.orange-business.com'],
  ])('%s', async (_name, env, endpoint) => {
    const c = new CbrClient({ env: { HW_PROJECT_ID: PROJECT, ...env }, credentials: Credentials.token('t') });
    expect(c.endpoint).toBe(endpoint);
    await c.close();
  });

  test('no endpoint and no region: a VbsConfigError naming CBR_ENDPOINT', () => {
    expect(() => new CbrClient({ env: { HW_PROJECT_ID: PROJECT, VBS_ENDPOINT: 'http://127.0.0.1:9' }, credentials: Credentials.token('t') }))
      .toThrow(new VbsConfigError('no CBR endpoint: set option endpoint or CBR_ENDPOINT, or a region (option region, HW_REGION_NAME or OS_REGION_NAME) to derive it'));
  });

  test('shared(): one client per endpoint, project and credentials; never a VbsClient', async () => {
    const env = { HW_PROJECT_ID: PROJECT, CBR_ENDPOINT: 'http://127.0.0.1:9', VBS_ENDPOINT: 'http://127.0.0.1:9' };
    const a = CbrClient.shared({ env, credentials: Credentials.accessKey('AK1', 'SK1') });
    expect(CbrClient.shared({ env, credentials: Credentials.accessKey('AK1', 'SK1') })).toBe(a);
    const b = CbrClient.shared({ env, credentials: Credentials.accessKey('AK1', 'SK2') });
    expect(b).not.toBe(a);
    const v = VbsClient.shared({ env, credentials: Credentials.accessKey('AK1', 'SK1') });
    expect(v).toBeInstanceOf(VbsClient);
    await Promise.all([a.close(), b.close(), v.close()]);
    expect(CbrClient.shared({ env, credentials: Credentials.accessKey('AK1', 'SK1') })).not.toBe(a);
    await CbrClient.shared({ env, credentials: Credentials.accessKey('AK1', 'SK1') }).close();
  });

  test('backupVault options are checked before any request', async () => {
    const c = new CbrClient({ endpoint: 'http://127.0.0.1:9', projectId: PROJECT, env: {}, credentials: Credentials.token('t') });
    const vault = '3b5816b5-f29c-4172-9d9a-76c719a659ce';
    await expect(c.backupVault(vault, { name: 'has space' })).rejects.toThrow('backupVault: name "has space" is not allowed; expected 1-41 of A-Z, a-z, 0-9, _ and -');
    await expect(c.backupVault(vault, { resourceIds: [] })).rejects.toThrow('backupVault: resourceIds is empty; leave it out to back up every resource of the vault');
    await expect(c.backupVault(vault, { whenBusy: 'later' as never })).rejects.toThrow('backupVault: whenBusy is "later"; allowed: wait, join, fail');
    await c.close();
  });
});
