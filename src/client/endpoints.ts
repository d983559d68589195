/**
 * Where requests go: VBS and IAM base URLs per cloud, and the checks on every value that ends
 * up in a URL (project id, policy id, tag key, region).
 */
import { VbsConfigError } from './errors';
import { PROJECT_ID_PATTERN as PROJECT_ID, UUID_PATTERN as UUID } from './wire';

/** The cloud whose host names are derived when no endpoint is given. */
export type Cloud = 'huaweicloud' | 'otc' | 'flexibleengine';

export const CLOUDS: readonly Cloud[] = ['huaweicloud', 'otc', 'flexibleengine'];

/** The API a base URL serves: VBS v2 or CBR v3. */
export type Service = 'vbs' | 'cbr';

/** Environment as a plain map (`process.env` fits). */
export type Env = Record<string, string | undefined>;

/** Inputs of {@link resolveEndpoint}. */
export interface EndpointOptions {
  /** Base URL, e.g. `https://vbs.eu-de.otc.t-systems.com` or `http://127.0.0.1:8787`. @default - `VBS_ENDPOINT`, else derived */
  readonly endpoint?: string;
  /** Region, e.g. `eu-de`. @default - `HW_REGION_NAME`, else `OS_REGION_NAME` */
  readonly region?: string;
  /** Host family for derived URLs. @default - `VBS_CLOUD`, else 'huaweicloud' */
  readonly cloud?: Cloud;
  /** Where to read variables. @default process.env */
  readonly env?: Env;
  /** Which service's URL: `vbs` (`VBS_ENDPOINT`, `https://vbs.…`) or `cbr` (`CBR_ENDPOINT`, `https://cbr.…`). @default 'vbs' */
  readonly service?: Service;
}

const REGION = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** First non-empty value among the named variables, with the name it came from. */
export function fromEnv(env: Env, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

export function resolveCloud(cloud: Cloud | undefined, env: Env): Cloud {
  if (cloud !== undefined) {
    if (!CLOUDS.includes(cloud)) throw new VbsConfigError(`option cloud is "${cloud}"; allowed: ${CLOUDS.join(', ')}`);
    return cloud;
  }
  const v = fromEnv(env, 'VBS_CLOUD');
  if (!v) return 'huaweicloud';
  if (!CLOUDS.includes(v.value as Cloud)) throw new VbsConfigError(`VBS_CLOUD is "${v.value}"; allowed: ${CLOUDS.join(', ')}`);
  return v.value as Cloud;
}

/** Region from the option or the environment, checked to be a host-name label; undefined when none. */
export function resolveRegion(region: string | undefined, env: Env): string | undefined {
  const source = region !== undefined ? { name: 'option region', value: region } : fromEnv(env, 'HW_REGION_NAME', 'OS_REGION_NAME');
  if (!source) return undefined;
  if (!REGION.test(source.value)) {
    throw new VbsConfigError(`${source.name} is "${source.value}"; expected a region id of lower-case letters, digits and dashes, e.g. eu-de`);
  }
  return source.value;
}

/**
 * Base URL of VBS (or CBR, with `service: 'cbr'`), no trailing slash: the `endpoint` option, else
 * `VBS_ENDPOINT` (`CBR_ENDPOINT`), else derived from cloud and region. Throws VbsConfigError when
 * nothing can be derived or the URL is unsafe.
 */
export function resolveEndpoint(o: EndpointOptions = {}): string {
  const env = o.env ?? process.env;
  const cbr = o.service === 'cbr';
  const variable = cbr ? 'CBR_ENDPOINT' : 'VBS_ENDPOINT';
  if (o.endpoint !== undefined) return checkBaseUrl(o.endpoint, 'option endpoint');
  const fromVar = fromEnv(env, variable);
  if (fromVar) return checkBaseUrl(fromVar.value, variable);
  const region = resolveRegion(o.region, env);
  if (!region) {
    throw new VbsConfigError(
      `no ${cbr ? 'CBR' : 'VBS'} endpoint: set option endpoint or ${variable}, or a region (option region, HW_REGION_NAME or OS_REGION_NAME) to derive it`,
    );
  }
  const vbs = vbsUrlFor(resolveCloud(o.cloud, env), region);
  // The same host family: only the service label differs (`https://cbr.<region>.<cloud domain>`).
  return cbr ? vbs.replace('https://vbs.', 'https://cbr.') : vbs;
}

/** `https://vbs.<region>.<cloud domain>`. */
export function vbsUrlFor(cloud: Cloud, region: string): string {
  switch (cloud) {
    case 'otc':
      return `https://vbs.${region}.otc.t-systems.com`;
    case 'flexibleengine':
      return `https://vbs.${region}.prod-cloud-ocb.orange-business.com`;
    default:
      return `https://vbs.${region}.myhuaweicloud.com`;
  }
}

/** Default IAM base URL of a cloud. */
export function iamUrlFor(cloud: Cloud, region: string | undefined): string {
  switch (cloud) {
    case 'otc':
      return `https://iam.${region ?? 'eu-de'}.otc.t-systems.com`;
    case 'flexibleengine':
      return `https://iam.${region ?? 'eu-west-0'}.prod-cloud-ocb.orange-business.com`;
    default:
      if (!region) {
        throw new VbsConfigError('password login needs an IAM URL: set HW_AUTH_URL / OS_AUTH_URL (or authUrl), or a region to derive it');
      }
      return `https://iam.${region}.myhuaweicloud.com`;
  }
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
 * Checks a base URL: https anywhere, http only on loopback hosts (127.0.0.0/8, localhost,
 * [::1]); no credentials, query or fragment. Returns it without a trailing slash.
 */
export function checkBaseUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new VbsConfigError(`${where} is "${value}", which is not a URL; expected e.g. https://vbs.eu-de.otc.t-systems.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new VbsConfigError(`${where} uses ${url.protocol}; only https:// (or http:// on a loopback host) is allowed`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new VbsConfigError(
      `${where} is plain http on "${url.hostname}"; http:// is allowed only for loopback hosts (127.0.0.0/8, localhost, [::1]), use https://`,
    );
  }
  if (url.username || url.password) throw new VbsConfigError(`${where} must not contain user info (user:password@); pass credentials separately`);
  if (url.search || url.hash) throw new VbsConfigError(`${where} must not contain a query or fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((p) => Number(p) <= 255);
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
  if (!PROJECT_ID.test(value)) throw new VbsConfigError(`${where} is "${value}"; a project id is 32 hexadecimal characters`);
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
