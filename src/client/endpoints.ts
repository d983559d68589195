/**
 * Where requests go: VBS, CBR and IAM base URLs per cloud and region, and the checks on every
 * value that ends up in a URL (project id, policy id, tag key, region). The rules themselves are
 * in rules.ts, shared with the constructs' synth-time validation.
 */
import { VbsConfigError } from './errors';
import {
  Cloud, CLOUDS, cloudOfRegion, cloudRefusal, derivationRefusal, endpointRefusal, iamUrl, isLoopbackHost, normalizeEndpoint,
  projectIdRefusal, Refusal, regionRefusal, Service, serviceUrl,
} from '../contract/rules';
import { UUID_PATTERN as UUID } from '../contract/wire';

export { CLOUDS, isLoopbackHost };
export type { Cloud, Service };

/** Environment as a plain map (`process.env` fits). */
export type Env = Record<string, string | undefined>;

/** Inputs of {@link resolveEndpoint}. */
export interface EndpointOptions {
  /** Base URL, e.g. `https://vbs.eu-de.otc.t-systems.com` or `http://127.0.0.1:8787`. @default - `VBS_ENDPOINT` (`CBR_ENDPOINT` for CBR), else derived */
  readonly endpoint?: string;
  /** Region, e.g. `eu-de`. @default - `HW_REGION_NAME`, else `OS_REGION_NAME` */
  readonly region?: string;
  /** Host family for derived URLs. @default - `VBS_CLOUD`, else the region's cloud (Huawei Cloud for a region not known to be another's) */
  readonly cloud?: Cloud;
  /** The service whose base URL is wanted. @default 'vbs' */
  readonly service?: Service;
  /** Where to read variables. @default process.env */
  readonly env?: Env;
}

/** The variable that overrides each service's base URL. */
const ENDPOINT_VARIABLES: Readonly<Record<Service, string>> = { vbs: 'VBS_ENDPOINT', cbr: 'CBR_ENDPOINT' };

/** First non-empty value among the named variables, with the name it came from. */
export function fromEnv(env: Env, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/** `<where> "<value>" <problem>; allowed: <rule>`, the shape of every input error. */
export function refused(where: string, value: string, refusal: Refusal): VbsConfigError {
  return new VbsConfigError(`${where} ${JSON.stringify(value)} ${refusal.problem}; allowed: ${refusal.allowed}`);
}

/** A value and the name of where it came from (`option region`, `HW_REGION_NAME`, ...). */
type Source<T extends string> = { name: string; value: T } | undefined;

/** The cloud set by the option, else by `VBS_CLOUD`, checked. */
function cloudSource(cloud: Cloud | undefined, env: Env): Source<Cloud> {
  const source = cloud !== undefined ? { name: 'option cloud', value: cloud as string } : fromEnv(env, 'VBS_CLOUD');
  if (!source) return undefined;
  const refusal = cloudRefusal(source.value);
  if (refusal) throw refused(source.name, source.value, refusal);
  return { name: source.name, value: source.value as Cloud };
}

/** Region from the option or the environment, checked to be a host-name label; undefined when none. */
export function resolveRegion(region: string | undefined, env: Env): string | undefined {
  return regionSource(region, env)?.value;
}

function regionSource(region: string | undefined, env: Env): Source<string> {
  const source = region !== undefined ? { name: 'option region', value: region } : fromEnv(env, 'HW_REGION_NAME', 'OS_REGION_NAME');
  if (!source) return undefined;
  const refusal = regionRefusal(source.value);
  if (refusal) throw refused(source.name, source.value, refusal);
  return source;
}

/**
 * The cloud of derived URLs for a region (option or environment) and a set cloud (option or
 * `VBS_CLOUD`): see `cloudOfRegion` in rules.ts. Throws when the set cloud does not serve the
 * region, the region is two clouds' and none is set, or no host names are derived for it.
 * Without a region: the set cloud, else Huawei Cloud.
 */
export function deriveCloud(o: { region?: string; cloud?: Cloud; env?: Env } = {}): Cloud {
  const env = o.env ?? process.env;
  return derivingCloud(regionSource(o.region, env), cloudSource(o.cloud, env));
}

/** {@link chooseCloud}, for a region whose host names can be derived. */
function derivingCloud(region: Source<string>, cloud: Source<Cloud>): Cloud {
  const refusal = region && derivationRefusal(region.value);
  if (refusal) throw refused(region.name, region.value, refusal);
  return chooseCloud(region, cloud);
}

/** The cloud of `region` given the one set; throws naming the input at fault. */
function chooseCloud(region: Source<string>, cloud: Source<Cloud>): Cloud {
  if (!region) return cloud?.value ?? 'huaweicloud';
  const choice = cloudOfRegion(region.value, cloud?.value);
  if (choice.refusal) {
    throw choice.of === 'cloud' ? refused(cloud!.name, cloud!.value, choice.refusal) : refused(region.name, region.value, choice.refusal);
  }
  return choice.cloud;
}

/**
 * Base URL (no trailing slash) of VBS, or of CBR with `service: 'cbr'`: the `endpoint` option,
 * else `VBS_ENDPOINT` (`CBR_ENDPOINT`), else `https://<service>.<region>.<domain>` for the cloud
 * of the region. Throws VbsConfigError when nothing can be derived, the URL is unsafe, or the
 * region and the cloud set disagree (checked even when the URL is given, as at synth).
 */
export function resolveEndpoint(o: EndpointOptions = {}): string {
  const env = o.env ?? process.env;
  const service = o.service ?? 'vbs';
  if (service !== 'vbs' && service !== 'cbr') throw new VbsConfigError(`option service is ${JSON.stringify(service)}; allowed: "vbs", "cbr"`);
  const region = regionSource(o.region, env);
  const cloud = cloudSource(o.cloud, env);
  // A set cloud that contradicts the region is refused whether or not a URL is derived.
  if (region && cloud) chooseCloud(region, cloud);
  if (o.endpoint !== undefined) return checkBaseUrl(o.endpoint, 'option endpoint');
  const variable = ENDPOINT_VARIABLES[service];
  const fromVar = fromEnv(env, variable);
  if (fromVar) return checkBaseUrl(fromVar.value, variable);
  if (!region) {
    throw new VbsConfigError(
      `no ${service.toUpperCase()} endpoint: set option endpoint or ${variable}, or a region (option region, HW_REGION_NAME or OS_REGION_NAME) to derive it`,
    );
  }
  return serviceUrl(service, derivingCloud(region, cloud), region.value);
}

/** Default IAM base URL of a cloud (in a region, when given). */
export function iamUrlFor(cloud: Cloud, region: string | undefined): string {
  const url = iamUrl(cloud, region);
  if (url === undefined) {
    throw new VbsConfigError('password login needs an IAM URL: set HW_AUTH_URL / OS_AUTH_URL (or authUrl), or a region to derive it');
  }
  return url;
}

/**
 * Full token URL from an auth URL given as a host (`https://iam.x`), an OpenStack-style
 * `…/v3`, or the complete `…/v3/auth/tokens`.
 */
export function tokenUrl(authUrl: string, where: string): string {
  const base = checkBaseUrl(authUrl, where);
  if (/\/v3\/auth\/tokens$/.test(base)) return base;
  if (/\/v3$/.test(base)) return `${base}/auth/tokens`;
  return `${base}/v3/auth/tokens`;
}

/**
 * Checks a base URL by the endpoint rule of rules.ts: https anywhere, http only on loopback hosts
 * (127.0.0.0/8, localhost, [::1]); no credentials, query or fragment. Returns it without a
 * trailing slash.
 */
export function checkBaseUrl(value: string, where: string): string {
  const refusal = endpointRefusal(value);
  if (refusal) throw refused(where, value, refusal);
  return normalizeEndpoint(value);
}

/** Resolves and checks the project id (32 hex): option, else HW_PROJECT_ID, else OS_PROJECT_ID. */
export function resolveProjectId(projectId: string | undefined, env: Env): string {
  const source = projectId !== undefined ? { name: 'option projectId', value: projectId } : fromEnv(env, 'HW_PROJECT_ID', 'OS_PROJECT_ID');
  if (!source) {
    // One message for every way a project id is given: a construct's prop, this client's option, the CLI's flag.
    throw new VbsConfigError(
      'no project id: set connection.projectId on the construct (VbsClient option projectId, CLI --project-id), or HW_PROJECT_ID or OS_PROJECT_ID in the environment (32 hex characters)',
    );
  }
  return checkProjectId(source.value, source.name);
}

export function checkProjectId(value: string, where: string): string {
  const refusal = projectIdRefusal(value);
  if (refusal) throw refused(where, value, refusal);
  return value.toLowerCase();
}

/** Policy ids go into URL paths: only a UUID is accepted, so no path can be injected. */
export function checkPolicyId(value: string, operation: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new VbsConfigError(`${operation}: policy id "${String(value)}" is not a UUID (8-4-4-4-12 hexadecimal)`);
  }
  return value;
}

/** A tag key as one URL path segment. */
export function encodeTagKey(key: string, operation: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new VbsConfigError(`${operation}: tag key must be a non-empty string`);
  return encodeURIComponent(key);
}
