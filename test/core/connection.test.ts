import {
  connectionEnvironment,
  mergeConnections,
  validateConnection,
  BackupConnection,
} from '../../src/core/connection';
import { FRAMEWORK_NAMES, PROJECT_ID, under } from './synth';

describe.each(FRAMEWORK_NAMES)('BackupConnection validation under %s', (framework) => {
  const { newStack, module } = under(framework);

  test('a full literal connection is valid', () => {
    const stack = newStack();
    expect(() =>
      validateConnection(stack, { region: 'eu-de', projectId: PROJECT_ID, endpoint: 'https://vbs.eu-de.otc.t-systems.com' }),
    ).not.toThrow();
  });

  test('tokens are not checked', () => {
    const stack = newStack();
    const variable = new module.TerraformVariable(stack, 'project', { type: 'string' });
    expect(() =>
      validateConnection(stack, { region: variable.stringValue, projectId: variable.stringValue, endpoint: variable.stringValue, cloud: variable.stringValue as never }),
    ).not.toThrow();
    expect(() => validateConnection(stack, { region: variable.stringValue, cloud: 'otc' })).not.toThrow();
  });

  test.each<[string, BackupConnection, string]>([
    [
      'region',
      { region: 'EU DE' },
      'stack: connection.region "EU DE" is not a region name; allowed: lower-case letters and digits in words joined by single "-" (none at either end), 1 to 63 characters, e.g. "eu-de" or "cn-north-4"',
    ],
    [
      'project id',
      { projectId: 'E9993FC787D94B6C886CBAA340F9C0F4' },
      'stack: connection.projectId "E9993FC787D94B6C886CBAA340F9C0F4" is not a project id; allowed: 32 lower-case hex characters, e.g. "e9993fc787d94b6c886cbaa340f9c0f4"',
    ],
    [
      'endpoint',
      { endpoint: 'ftp://127.0.0.1:8787' },
      'stack: connection.endpoint "ftp://127.0.0.1:8787" is not an http(s) URL; allowed: an absolute https:// URL (http:// only on a loopback host: 127.0.0.0/8, localhost, [::1]) with no user info, query or fragment, e.g. "https://vbs.eu-de.otc.t-systems.com" or "http://127.0.0.1:8787"',
    ],
  ])('rejects a bad %s', (_field, connection, message) => {
    expect(() => validateConnection(newStack(), connection)).toThrow(message);
  });

  test('a relative endpoint is rejected too', () => {
    expect(() => validateConnection(newStack(), { endpoint: '127.0.0.1:8787/v2' })).toThrow('is not an http(s) URL');
  });
});

describe('BackupConnection: merging and rendering', () => {
  test('merging: fields of the override win one by one', () => {
    expect(mergeConnections({ region: 'eu-de', projectId: PROJECT_ID }, { region: 'cn-north-4', endpoint: 'http://127.0.0.1:1' })).toEqual({
      region: 'cn-north-4',
      projectId: PROJECT_ID,
      endpoint: 'http://127.0.0.1:1',
    });
  });

  test('the cloud is one more connection key: VBS_HOOK_CLOUD', () => {
    const connection = { region: 'eu-west-0', cloud: 'flexibleengine' as const };
    expect(connectionEnvironment(connection)).toEqual({ VBS_HOOK_REGION: 'eu-west-0', VBS_HOOK_CLOUD: 'flexibleengine' });
    expect(mergeConnections({ cloud: 'otc', region: 'eu-de' }, { region: 'eu-nl' })).toEqual({ cloud: 'otc', region: 'eu-nl' });
    expect(mergeConnections({ cloud: 'otc' }, { cloud: 'huaweicloud' }).cloud).toBe('huaweicloud');
  });

  test('hook variables only for the fields set', () => {
    const connection = { endpoint: 'http://127.0.0.1:8787', projectId: PROJECT_ID };
    expect(connectionEnvironment(connection)).toEqual({ VBS_HOOK_ENDPOINT: 'http://127.0.0.1:8787', VBS_HOOK_PROJECT_ID: PROJECT_ID });
    expect(connectionEnvironment(undefined)).toEqual({});
  });
});
