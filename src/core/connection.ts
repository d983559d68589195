import { IConstruct } from 'constructs';
import { isLiteral, PROJECT_ID_PATTERN, VbsValidationError } from './validation';

/**
 * Where the hooks of a construct talk to VBS. Every field is optional: what is not set here
 * comes from the environment of the process that runs `terraform apply` (`VBS_ENDPOINT`,
 * `HW_REGION_NAME`/`OS_REGION_NAME`, `HW_PROJECT_ID`/`OS_PROJECT_ID`). Values set here win
 * over that environment. No secret goes here: credentials only ever come from the apply
 * environment.
 */
export interface VbsConnection {
  /**
   * Region, e.g. `eu-de` or `cn-north-4`; with the cloud it selects the VBS endpoint.
   *
   * @default - `HW_REGION_NAME` or `OS_REGION_NAME` where `terraform apply` runs
   */
  readonly region?: string;

  /**
   * Project id: 32 lower-case hex characters.
   *
   * @default - `HW_PROJECT_ID` or `OS_PROJECT_ID` where `terraform apply` runs
   */
  readonly projectId?: string;

  /**
   * Base URL of the VBS API, `http://` or `https://`, e.g. `http://127.0.0.1:8787` for the
   * emulator.
   *
   * @default - `VBS_ENDPOINT` where `terraform apply` runs, else derived from the region
   */
  readonly endpoint?: string;
}

/** One field of a connection: its prop name, its hook variable and its key in the triggers. */
interface ConnectionField {
  readonly prop: keyof VbsConnection;
  readonly env: string;
  readonly trigger: string;
}

/** In a stable order, so the synthesized JSON does not move between synths. */
const CONNECTION_FIELDS: readonly ConnectionField[] = [
  { prop: 'endpoint', env: 'VBS_HOOK_ENDPOINT', trigger: 'endpoint' },
  { prop: 'region', env: 'VBS_HOOK_REGION', trigger: 'region' },
  { prop: 'projectId', env: 'VBS_HOOK_PROJECT_ID', trigger: 'project_id' },
];

const REGION_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Validates the literal fields of a connection; tokens pass. Throws a `VbsValidationError`
 * naming `scope`'s path.
 */
export function validateConnection(scope: IConstruct, connection: VbsConnection | undefined): void {
  if (!connection) {
    return;
  }
  const { region, projectId, endpoint } = connection;
  if (region !== undefined && isLiteral(scope, region) && !REGION_PATTERN.test(region)) {
    throw new VbsValidationError(
      scope,
      'connection.region',
      region,
      'is not a region name',
      'lower-case letters, digits and "-", 1 to 63 characters, e.g. "eu-de"',
    );
  }
  if (projectId !== undefined && isLiteral(scope, projectId) && !PROJECT_ID_PATTERN.test(projectId)) {
    throw new VbsValidationError(
      scope,
      'connection.projectId',
      projectId,
      'is not a project id',
      '32 lower-case hex characters, e.g. "e9993fc787d94b6c886cbaa340f9c0f4"',
    );
  }
  if (endpoint !== undefined && isLiteral(scope, endpoint) && !isHttpUrl(endpoint)) {
    throw new VbsValidationError(
      scope,
      'connection.endpoint',
      endpoint,
      'is not an http(s) URL',
      'an absolute "http://" or "https://" URL, e.g. "https://vbs.eu-de.otc.t-systems.com"',
    );
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Field by field: a field set in `override` wins over the same field of `base`. */
export function mergeConnections(base?: VbsConnection, override?: VbsConnection): VbsConnection {
  return {
    region: override?.region ?? base?.region,
    projectId: override?.projectId ?? base?.projectId,
    endpoint: override?.endpoint ?? base?.endpoint,
  };
}

/** The hook variables for the fields that are set (`VBS_HOOK_ENDPOINT`, ...). */
export function connectionEnvironment(connection: VbsConnection | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const field of CONNECTION_FIELDS) {
    const value = connection?.[field.prop];
    if (value !== undefined) {
      env[field.env] = value;
    }
  }
  return env;
}

/** The trigger entries for the fields that are set (`endpoint`, `region`, `project_id`). */
export function connectionTriggers(connection: VbsConnection | undefined): Record<string, string> {
  const triggers: Record<string, string> = {};
  for (const field of CONNECTION_FIELDS) {
    const value = connection?.[field.prop];
    if (value !== undefined) {
      triggers[field.trigger] = value;
    }
  }
  return triggers;
}

/**
 * The hook variables read back from a resource's own triggers, for destroy-time provisioners
 * (which may only reference `self`). `selfRef(key)` renders the reference to one trigger.
 */
export function connectionEnvironmentFromSelf(
  connection: VbsConnection | undefined,
  selfRef: (key: string) => string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const field of CONNECTION_FIELDS) {
    if (connection?.[field.prop] !== undefined) {
      env[field.env] = selfRef(field.trigger);
    }
  }
  return env;
}
