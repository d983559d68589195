import { inspect } from 'node:util';
import { CbrClient, Credentials, VbsClient, VbsConfigError } from '../../src/client';
import { checkBaseUrl, deriveCloud, iamUrlFor, resolveEndpoint, tokenUrl } from '../../src/client/endpoints';
import { PROJECT } from './http-server';

describe('resolveEndpoint', () => {
  test.each([
    [{ region: 'eu-de', cloud: 'otc' as const }, 'https://vbs.eu-de.otc.t-systems.com'],
    [{ region: 'cn-north-4' }, 'https://vbs.cn-north-4.myhuaweicloud.com'],
    [{ region: 'eu-west-0', cloud: 'flexibleengine' as const }, 'https://vbs.eu-west-0.prod-cloud-ocb.orange-business.com'],
  ])('derives %j', (o, expected) => {
    expect(resolveEndpoint({ ...o, env: {} })).toBe(expected);
  });

  test('region and cloud come from the environment, HW_ before OS_', () => {
    expect(resolveEndpoint({ env: { HW_REGION_NAME: 'eu-de', OS_REGION_NAME: 'eu-nl', VBS_CLOUD: 'otc' } })).toBe('https://vbs.eu-de.otc.t-systems.com');
    expect(resolveEndpoint({ env: { OS_REGION_NAME: 'cn-east-3' } })).toBe('https://vbs.cn-east-3.myhuaweicloud.com');
    expect(resolveEndpoint({ env: { OS_REGION_NAME: 'eu-nl' } })).toBe('https://vbs.eu-nl.otc.t-systems.com');
  });

  test('option endpoint wins over VBS_ENDPOINT, which wins over derivation', () => {
    const env = { VBS_ENDPOINT: 'http://127.0.0.1:8787/', HW_REGION_NAME: 'eu-de' };
    expect(resolveEndpoint({ env })).toBe('http://127.0.0.1:8787');
    expect(resolveEndpoint({ env, endpoint: 'https://vbs.example.com/' })).toBe('https://vbs.example.com');
  });

  test.each(['http://127.0.0.1:1', 'http://127.255.0.9', 'http://localhost:8787', 'http://[::1]:8787'])('http allowed on loopback %s', (u) => {
    expect(() => checkBaseUrl(u, 'VBS_ENDPOINT')).not.toThrow();
  });

  test.each(['http://10.0.0.1', 'http://vbs.eu-de.otc.t-systems.com', 'http://128.0.0.1', 'http://127.0.0.1.evil.com'])('http refused on %s', (u) => {
    expect(() => resolveEndpoint({ endpoint: u, env: {} })).toThrow(/option endpoint ".*" is plain http on ".*", which is not a loopback host; allowed: an absolute https:\/\/ URL \(http:\/\/ only on a loopback host/);
  });

  test('other malformed endpoints are refused with the variable named', () => {
    expect(() => resolveEndpoint({ env: { VBS_ENDPOINT: 'not a url' } })).toThrow(/VBS_ENDPOINT "not a url" is not an http\(s\) URL; allowed: /);
    expect(() => resolveEndpoint({ env: { VBS_ENDPOINT: 'ftp://x' } })).toThrow(/VBS_ENDPOINT "ftp:\/\/x" is not an http\(s\) URL/);
    expect(() => resolveEndpoint({ env: { VBS_ENDPOINT: 'https://u:p@x' } })).toThrow(/VBS_ENDPOINT "https:\/\/u:p@x" contains user info/);
    expect(() => resolveEndpoint({ env: { VBS_ENDPOINT: 'https://x/?a=1' } })).toThrow(/VBS_ENDPOINT "https:\/\/x\/\?a=1" has a query or fragment/);
    expect(() => resolveEndpoint({ env: {} })).toThrow(/set option endpoint or VBS_ENDPOINT, or a region/);
    expect(() => resolveEndpoint({ env: { HW_REGION_NAME: 'eu-de.evil.com/x' } })).toThrow(/HW_REGION_NAME "eu-de.evil.com\/x" is not a region name/);
    expect(() => resolveEndpoint({ env: { VBS_CLOUD: 'aws', HW_REGION_NAME: 'eu-de' } })).toThrow(
      /VBS_CLOUD "aws" is not a cloud; allowed: "huaweicloud" \(Huawei Cloud\), "otc" \(Open Telekom Cloud\), "flexibleengine" \(Flexible Engine\)/,
    );
  });

  test('IAM URLs', () => {
    expect(iamUrlFor('huaweicloud', 'cn-north-4')).toBe('https://iam.cn-north-4.myhuaweicloud.com');
    expect(iamUrlFor('otc', 'eu-de')).toBe('https://iam.eu-de.otc.t-systems.com');
    expect(iamUrlFor('flexibleengine', 'eu-west-0')).toBe('https://iam.eu-west-0.prod-cloud-ocb.orange-business.com');
    expect(tokenUrl('https://iam.x', 'a')).toBe('https://iam.x/v3/auth/tokens');
    expect(tokenUrl('https://iam.x/v3/', 'a')).toBe('https://iam.x/v3/auth/tokens');
    expect(tokenUrl('https://iam.x/v3/auth/tokens', 'a')).toBe('https://iam.x/v3/auth/tokens');
  });
});

describe('the cloud of derived URLs', () => {
  test('CBR: service "cbr" reads CBR_ENDPOINT (never VBS_ENDPOINT) and derives cbr.<region>.<domain>', () => {
    const env = { VBS_ENDPOINT: 'http://127.0.0.1:1', HW_REGION_NAME: 'eu-nl' };
    expect(resolveEndpoint({ service: 'cbr', env })).toBe('https://cbr.eu-nl.otc.t-systems.com');
    expect(resolveEndpoint({ service: 'cbr', env: { ...env, CBR_ENDPOINT: 'http://127.0.0.1:2/' } })).toBe('http://127.0.0.1:2');
    expect(() => resolveEndpoint({ service: 'cbr', env: { CBR_ENDPOINT: 'http://cbr.example.com' } })).toThrow(/^CBR_ENDPOINT "http:\/\/cbr.example.com" is plain http/);
    expect(() => resolveEndpoint({ service: 'cbr', env: {} })).toThrow(/no CBR endpoint: set option endpoint or CBR_ENDPOINT, or a region/);
  });

  test('a region of two clouds needs the cloud, and names both', () => {
    const both = /HW_REGION_NAME "eu-west-0" is a region of 2 clouds, Flexible Engine and Huawei Cloud, and no cloud is set; allowed: set the cloud to "flexibleengine" \(Flexible Engine\) or "huaweicloud" \(Huawei Cloud\)/;
    expect(() => resolveEndpoint({ env: { HW_REGION_NAME: 'eu-west-0' } })).toThrow(both);
    expect(() => deriveCloud({ env: { HW_REGION_NAME: 'eu-west-0' } })).toThrow(both);
    expect(resolveEndpoint({ env: { HW_REGION_NAME: 'eu-west-0', VBS_CLOUD: 'huaweicloud' } })).toBe('https://vbs.eu-west-0.myhuaweicloud.com');
    expect(resolveEndpoint({ cloud: 'flexibleengine', env: { HW_REGION_NAME: 'eu-west-0', VBS_CLOUD: 'huaweicloud' } })).toBe(
      'https://vbs.eu-west-0.prod-cloud-ocb.orange-business.com',
    );
    // Nothing derived, nothing to decide: an emulator run in that region needs no cloud.
    expect(resolveEndpoint({ env: { HW_REGION_NAME: 'eu-west-0', VBS_ENDPOINT: 'http://127.0.0.1:8787' } })).toBe('http://127.0.0.1:8787');
    expect(() => new VbsClient({ region: 'eu-west-0', projectId: PROJECT, credentials: Credentials.token('t'), env: {} })).toThrow(new RegExp(both.source.replace('HW_REGION_NAME', 'option region')));
  });

  test('a cloud that does not serve the region is refused, with the URL given or derived', () => {
    const message = /VBS_CLOUD "huaweicloud" is not a cloud of region "eu-de"; allowed: "otc" \(Open Telekom Cloud\) for that region/;
    expect(() => resolveEndpoint({ env: { HW_REGION_NAME: 'eu-de', VBS_CLOUD: 'huaweicloud' } })).toThrow(message);
    expect(() => resolveEndpoint({ env: { HW_REGION_NAME: 'eu-de', VBS_CLOUD: 'huaweicloud', VBS_ENDPOINT: 'http://127.0.0.1:1' } })).toThrow(message);
    expect(() => resolveEndpoint({ region: 'cn-north-4', cloud: 'otc', env: {} })).toThrow(/option cloud "otc" is not a cloud of region "cn-north-4"/);
  });

  test('a region not known to be another cloud\'s takes the cloud set, else Huawei Cloud', () => {
    expect(resolveEndpoint({ region: 'xx-new-1', env: {} })).toBe('https://vbs.xx-new-1.myhuaweicloud.com');
    expect(resolveEndpoint({ region: 'xx-new-1', cloud: 'otc', env: {} })).toBe('https://vbs.xx-new-1.otc.t-systems.com');
    expect(deriveCloud({ env: {} })).toBe('huaweicloud');
    expect(deriveCloud({ env: { VBS_CLOUD: 'otc' } })).toBe('otc');
  });

  test('IAM without a region: OTC and Flexible Engine have a home region, Huawei Cloud needs one', () => {
    expect(iamUrlFor('otc', undefined)).toBe('https://iam.eu-de.otc.t-systems.com');
    expect(iamUrlFor('flexibleengine', undefined)).toBe('https://iam.eu-west-0.prod-cloud-ocb.orange-business.com');
    expect(() => iamUrlFor('huaweicloud', undefined)).toThrow(/password login needs an IAM URL/);
  });
});

describe('VbsClient configuration', () => {
  const base = { endpoint: 'http://127.0.0.1:9', credentials: Credentials.token('t0ken') };

  test('project id must be 32 hex, from the option or HW_/OS_ variables', () => {
    expect(new VbsClient({ ...base, projectId: PROJECT.toUpperCase(), env: {} }).projectId).toBe(PROJECT);
    expect(new VbsClient({ ...base, env: { OS_PROJECT_ID: PROJECT } }).projectId).toBe(PROJECT);
    expect(() => new VbsClient({ ...base, projectId: 'abc', env: {} })).toThrow(/option projectId "abc" is not a project id; allowed: 32 hex characters/);
    expect(() => new VbsClient({ ...base, env: { HW_PROJECT_ID: '../x' } })).toThrow(/HW_PROJECT_ID "..\/x" is not a project id/);
    expect(() => new VbsClient({ ...base, env: {} })).toThrow(/no project id: set connection.projectId on the construct \(VbsClient option projectId, CLI --project-id\), or HW_PROJECT_ID or OS_PROJECT_ID/);
  });

  test('transport is undici or node-http; anything else is a clear config error', async () => {
    expect(() => new VbsClient({ ...base, projectId: PROJECT, env: {}, transport: 'fetch' as never })).toThrow(
      new VbsConfigError(`option transport is "fetch"; expected one of 'undici', 'node-http'`),
    );
    for (const transport of ['undici', 'node-http'] as const) {
      const client = new VbsClient({ ...base, projectId: PROJECT, env: {}, transport });
      await client.close();
      await expect(client.listPolicies()).rejects.toThrow(/the VBS client is closed/);
    }
  });

  test('policy ids are checked before any request (no path injection)', async () => {
    const client = new VbsClient({ ...base, projectId: PROJECT, env: {} });
    await expect(client.executePolicy('../../other/backuppolicy')).rejects.toThrow(/executePolicy: policy id "..\/..\/other\/backuppolicy" is not a UUID/);
    await expect(client.getTags('x?y')).rejects.toThrow(VbsConfigError);
    await expect(client.removeTag('af8a20b0-117d-4fc3-ae53-aa3968a4f870', '')).rejects.toThrow(/tag key must be a non-empty string/);
    await client.close();
  });

  test('shared() returns one client per endpoint, project and credentials identity', async () => {
    const env = { HW_PROJECT_ID: PROJECT, VBS_ENDPOINT: 'http://127.0.0.1:9' };
    const a = VbsClient.shared({ env, credentials: Credentials.accessKey('AK1', 'SK1') });
    const b = VbsClient.shared({ env, credentials: Credentials.accessKey('AK1', 'SK1') });
    const c = VbsClient.shared({ env, credentials: Credentials.accessKey('AK1', 'SK2') });
    const d = VbsClient.shared({ env: { ...env, VBS_ENDPOINT: 'http://127.0.0.1:10' }, credentials: Credentials.accessKey('AK1', 'SK1') });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
    await Promise.all([a.close(), c.close(), d.close()]);
    expect(VbsClient.shared({ env, credentials: Credentials.accessKey('AK1', 'SK1') })).not.toBe(a);
  });
});

describe('Credentials', () => {
  test('precedence: token, then access key, then password', () => {
    const all = {
      HW_AUTH_TOKEN: 'tok', HW_ACCESS_KEY: 'AK', HW_SECRET_KEY: 'SK', HW_USER_NAME: 'u', HW_USER_PASSWORD: 'p', HW_DOMAIN_NAME: 'd',
    };
    expect(Credentials.fromEnvironment(all).kind).toBe('token');
    expect(Credentials.fromEnvironment({ ...all, HW_AUTH_TOKEN: '' }).kind).toBe('accessKey');
    expect(Credentials.fromEnvironment({ ...all, HW_AUTH_TOKEN: undefined, HW_ACCESS_KEY: undefined, HW_SECRET_KEY: undefined }).kind).toBe('password');
    expect(Credentials.fromEnvironment({ OS_AUTH_TOKEN: 'x' }).kind).toBe('token');
    expect(Credentials.fromEnvironment({ OS_ACCESS_KEY: 'A', OS_SECRET_KEY: 'S' }).kind).toBe('accessKey');
    expect(Credentials.fromEnvironment({ OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_DOMAIN_NAME: 'd' }).kind).toBe('password');
  });

  test('errors name what is missing', () => {
    expect(() => Credentials.fromEnvironment({})).toThrow(/^no credentials in the environment: set HW_AUTH_TOKEN/);
    // A client names its service: the same environment serves VBS and CBR.
    const bare = { HW_PROJECT_ID: '0123456789abcdef0123456789abcdef', VBS_ENDPOINT: 'http://127.0.0.1:9', CBR_ENDPOINT: 'http://127.0.0.1:9' };
    expect(() => new VbsClient({ env: bare })).toThrow(/^no VBS credentials in the environment: set HW_AUTH_TOKEN/);
    expect(() => new CbrClient({ env: bare })).toThrow(/^no CBR credentials in the environment: set HW_AUTH_TOKEN/);
    expect(() => CbrClient.shared({ env: bare })).toThrow(/^no CBR credentials in the environment/);
    expect(() => Credentials.fromEnvironment({ HW_ACCESS_KEY: 'AK' })).toThrow(/HW_ACCESS_KEY is set but HW_SECRET_KEY \(or OS_SECRET_KEY\) is missing/);
    expect(() => Credentials.fromEnvironment({ OS_SECRET_KEY: 'SK' })).toThrow(/OS_SECRET_KEY is set but HW_ACCESS_KEY/);
    expect(() => Credentials.fromEnvironment({ HW_USER_NAME: 'u', HW_USER_PASSWORD: 'p' })).toThrow(
      /password login is incomplete: HW_USER_NAME, HW_USER_PASSWORD set but HW_DOMAIN_NAME \(or OS_DOMAIN_NAME\) missing/,
    );
    expect(() => Credentials.password({ userName: 'u', password: '', domainName: 'd' })).toThrow(/missing password/);
  });

  test('never reveals secrets when printed', () => {
    const canaries = ['CANARY-TOKEN-1234', 'CANARY-SECRET-5678', 'CANARY-STS-9012', 'CANARY-PASSWORD-3456'];
    const creds = [
      Credentials.token(canaries[0]),
      Credentials.accessKey('AKIDEXAMPLE', canaries[1], canaries[2]),
      Credentials.password({ userName: 'alice', password: canaries[3], domainName: 'acme' }),
    ];
    expect(creds[1].toString()).toBe('Credentials(accessKey AK=AKID… temporary)');
    for (const c of creds) {
      const printed = [String(c), `${c}`, JSON.stringify(c), JSON.stringify({ c }), inspect(c, { showHidden: true, depth: 5 }), inspect({ c })].join('\n');
      for (const canary of canaries) expect(printed).not.toContain(canary);
    }
  });

  test('identity is equal for equal values and differs otherwise', () => {
    expect(Credentials.token('a').identity).toBe(Credentials.token('a').identity);
    expect(Credentials.token('a').identity).not.toBe(Credentials.token('b').identity);
    expect(Credentials.token('a').identity).not.toContain('a'.repeat(2));
  });
});
