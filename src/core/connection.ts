import { IConstruct } from 'constructs';
import { HOOK_ENV } from '../contract/hook';
import type { Cloud } from '../contract/rules';
import { cloudOfRegion, cloudRefusal, endpointRefusal, projectIdRefusal, Refusal, regionRefusal } from '../contract/rules';
import { isLiteral, BackupValidationError } from './validation';

/**
 * Where the hooks of a construct talk to the cloud: VBS for a backup policy, CBR for a vault.
 * Every field is optional: what is not set here
 * comes from the environment of the process that runs `terraform apply` (`VBS_ENDPOINT`,
 * `CBR_ENDPOINT`, `VBS_CLOUD`, `HW_REGION_NAME`/`OS_REGION_NAME`, `HW_PROJECT_ID`/`OS_PROJECT_ID`). Values set
 * here win over that environment. No secret goes here: credentials only ever come from the
 * apply environment.
 *
 * Literal values are checked at synth by the same rules the hook and the client apply (one
 * definition each), so a value synth accepts is never refused by the hook for its form.
 */
export interface BackupConnection {
  /**
   * Region, e.g. `eu-de` or `cn-north-4`; it selects the derived endpoints (VBS, CBR, IAM) and, for
   * the regions of one cloud, the cloud (`eu-de` and `eu-nl` are Open Telekom Cloud's,
   * `eu-west-101` is Huawei Cloud's on `myhuaweicloud.eu`). `eu-west-0` is Flexible Engine's
   * and Huawei Cloud's: set `cloud` (or `VBS_CLOUD`) with it, or the hook fails naming both.
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
   * Base URL of the construct's own service, the VBS API for a policy and the CBR API for a
   * vault: `https://`, or `http://` on a loopback host only (`127.0.0.0/8`, `localhost`,
   * `[::1]`), e.g. `http://127.0.0.1:8787` for the emulator; no user info, query or fragment.
   *
   * @default - `VBS_ENDPOINT` (a policy) or `CBR_ENDPOINT` (a vault) where `terraform apply`
   *   runs, else derived from the region
   */
  readonly endpoint?: string;

  /**
   * The cloud whose host names are derived (VBS, CBR and IAM): `huaweicloud`, `otc` or
   * `flexibleengine`. Needed only where the region does not say it: `eu-west-0` (Flexible
   * Engine or Huawei Cloud), or a region this library does not know. A cloud that does not
   * serve a known region is refused.
   *
   * @default - `VBS_CLOUD` where `terraform apply` runs, else the region's cloud (Huawei Cloud
   * for a region not known to be another's)
   */
  readonly cloud?: string;
}

/** One field of a connection: its prop name and its hook variable (also its key in the triggers). */
interface ConnectionField {
  readonly prop: keyof BackupConnection;
  readonly env: string;
}

/** In a stable order, so the synthesized JSON does not move between synths. */
const CONNECTION_FIELDS: readonly ConnectionField[] = [
  { prop: 'endpoint', env: HOOK_ENV.endpoint },
  { prop: 'region', env: HOOK_ENV.region },
  { prop: 'projectId', env: HOOK_ENV.projectId },
  { prop: 'cloud', env: HOOK_ENV.cloud },
];

/** The rule of each field, from src/contract/rules.ts (a stack writes project ids in lower case). */
const FIELD_RULES: Readonly<Record<keyof BackupConnection, (value: string) => Refusal | undefined>> = {
  region: regionRefusal,
  projectId: (value) => projectIdRefusal(value, true),
  endpoint: endpointRefusal,
  cloud: cloudRefusal,
};

/**
 * Validates the literal fields of a connection; tokens pass. Throws a `BackupValidationError`
 * naming `scope`'s path and the prop (`connection.region`, ...). With `inherited` (a trigger's
 * policy's connection), the region and cloud the hook will use, the two merged, must agree.
 *
 * A literal region of two clouds (`eu-west-0`) with no cloud set passes: `VBS_CLOUD` where
 * `terraform apply` runs may name it, which synth cannot know; the hook refuses it if not.
 */
export function validateConnection(scope: IConstruct, connection: BackupConnection | undefined, inherited?: BackupConnection): void {
  for (const field of CONNECTION_FIELDS) {
    const value = connection?.[field.prop];
    if (value === undefined || !isLiteral(scope, value)) continue;
    const refusal = FIELD_RULES[field.prop](value);
    if (refusal) throw new BackupValidationError(scope, `connection.${field.prop}`, value, refusal.problem, refusal.allowed);
  }
  const { region, cloud } = mergeConnections(inherited, connection);
  if (region === undefined || cloud === undefined || !isLiteral(scope, region) || !isLiteral(scope, cloud)) return;
  if (cloudRefusal(cloud)) return; // refused where it was set (this connection, or the target's)
  const choice = cloudOfRegion(region, cloud as Cloud);
  if (choice.refusal && choice.of === 'cloud') {
    const property = connection?.cloud !== undefined ? 'connection.cloud' : "the policy's connection.cloud";
    throw new BackupValidationError(scope, property, cloud, choice.refusal.problem, choice.refusal.allowed);
  }
}

/** Field by field: a field set in `override` wins over the same field of `base`. */
export function mergeConnections(base?: BackupConnection, override?: BackupConnection): BackupConnection {
  return {
    region: override?.region ?? base?.region,
    projectId: override?.projectId ?? base?.projectId,
    endpoint: override?.endpoint ?? base?.endpoint,
    cloud: override?.cloud ?? base?.cloud,
  };
}

/** The hook variables for the fields that are set (`VBS_HOOK_ENDPOINT`, ...). */
export function connectionEnvironment(connection: BackupConnection | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const field of CONNECTION_FIELDS) {
    const value = connection?.[field.prop];
    if (value !== undefined) {
      env[field.env] = value;
    }
  }
  return env;
}
