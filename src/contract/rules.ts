/**
 * The rules of a connection's inputs (region, cloud, endpoint, project id) and the host names
 * derived from them, written once: the constructs check literal props with them at synth
 * (src/core/connection.ts) and the client checks what it is given at apply
 * (src/client/endpoints.ts, src/cli/hook-env.ts), so what synth accepts the client accepts and
 * the other way round. Pure functions and constants; imports nothing but wire.ts.
 *
 * A rule answers with a {@link Refusal}: the problem (to follow the value given) and what is
 * allowed. Each side puts the name of the input in front, as its user writes it
 * (`connection.region`, `HW_REGION_NAME`, `VBS_HOOK_REGION`, `option region`).
 */
import { PROJECT_ID_PATTERN } from './wire';

/** The cloud whose host names are derived when no endpoint is given. */
export type Cloud = 'huaweicloud' | 'otc' | 'flexibleengine';

/** Every {@link Cloud}, in the order messages list them. */
export const CLOUDS: readonly Cloud[] = ['huaweicloud', 'otc', 'flexibleengine'];

/** The service a base URL belongs to: VBS (backup policies) or CBR (vaults). */
export type Service = 'vbs' | 'cbr';

/** What is wrong with a value, and what is allowed instead. */
export interface Refusal {
  /** Follows the input's name and value, e.g. `is not a region name`. */
  readonly problem: string;
  /** The rule, e.g. `lower-case letters and digits ...`. */
  readonly allowed: string;
}

/** Names of the clouds as their users know them. */
export const CLOUD_NAMES: Readonly<Record<Cloud, string>> = {
  huaweicloud: 'Huawei Cloud',
  otc: 'Open Telekom Cloud',
  flexibleengine: 'Flexible Engine',
};

/**
 * A region id is one DNS label, since it becomes one in derived host names: words of lower-case
 * letters and digits joined by single `-`, 1 to 63 characters.
 */
export const REGION_PATTERN = /^(?=.{1,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The region rule. */
export function regionRefusal(value: string): Refusal | undefined {
  if (typeof value === 'string' && REGION_PATTERN.test(value)) return undefined;
  return {
    problem: 'is not a region name',
    allowed: 'lower-case letters and digits in words joined by single "-" (none at either end), 1 to 63 characters, e.g. "eu-de" or "cn-north-4"',
  };
}

/** The cloud rule: one of {@link CLOUDS}. */
export function cloudRefusal(value: string): Refusal | undefined {
  if ((CLOUDS as readonly string[]).includes(value)) return undefined;
  return { problem: 'is not a cloud', allowed: CLOUDS.map((c) => `"${c}" (${CLOUD_NAMES[c]})`).join(', ') };
}

/**
 * The project id rule: 32 hex characters, as IAM issues them. `lowerCaseOnly` is the stricter
 * form a stack must use (the client and CLI also take upper case and lower it, but a stack
 * writes the id into its hooks' triggers, where another case would read as another project).
 */
export function projectIdRefusal(value: string, lowerCaseOnly = false): Refusal | undefined {
  const ok = typeof value === 'string' && PROJECT_ID_PATTERN.test(value) && (!lowerCaseOnly || value === value.toLowerCase());
  if (ok) return undefined;
  return {
    problem: 'is not a project id',
    allowed: `32 ${lowerCaseOnly ? 'lower-case ' : ''}hex characters, e.g. "e9993fc787d94b6c886cbaa340f9c0f4"`,
  };
}

const ENDPOINT_ALLOWED =
  'an absolute https:// URL (http:// only on a loopback host: 127.0.0.0/8, localhost, [::1]) with no user info, query or fragment, ' +
  'e.g. "https://vbs.eu-de.otc.t-systems.com" or "http://127.0.0.1:8787"';

/**
 * The endpoint rule: https anywhere, http only on loopback hosts (the emulator), no user info
 * (credentials travel apart), no query or fragment (paths are appended to it).
 */
export function endpointRefusal(value: string): Refusal | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'is not an http(s) URL', allowed: ENDPOINT_ALLOWED };
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    return { problem: 'is not an http(s) URL', allowed: ENDPOINT_ALLOWED };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return { problem: `is plain http on "${url.hostname}", which is not a loopback host`, allowed: ENDPOINT_ALLOWED };
  }
  if (url.username || url.password) return { problem: 'contains user info (user:password@)', allowed: ENDPOINT_ALLOWED };
  if (url.search || url.hash) return { problem: 'has a query or fragment', allowed: ENDPOINT_ALLOWED };
  return undefined;
}

/** A base URL that passed {@link endpointRefusal}, without a trailing slash. */
export function normalizeEndpoint(value: string): string {
  const url = new URL(value);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** True for 127.0.0.0/8, `localhost` and `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((p) => Number(p) <= 255);
}

/**
 * The regions whose cloud is known, from the endpoint tables of the APIs (docs/architecture.md,
 * ADR 11). A region not listed is taken as Huawei Cloud's, the cloud with most regions, unless a
 * cloud is set. `eu-west-0` (Paris) is Flexible Engine's and also appeared in
 * Huawei Cloud's own region lists, so it needs the cloud set.
 */
export const REGION_CLOUDS: Readonly<Record<string, readonly Cloud[]>> = {
  'eu-de': ['otc'],
  'eu-nl': ['otc'],
  'eu-west-0': ['flexibleengine', 'huaweicloud'],
  'eu-west-1': ['flexibleengine'],
  'na-east-0': ['flexibleengine'],
  'eu-west-101': ['huaweicloud'],
  ...Object.fromEntries(
    [
      'cn-north-1', 'cn-north-2', 'cn-north-4', 'cn-north-9', 'cn-south-1', 'cn-south-2', 'cn-south-4', 'cn-east-2', 'cn-east-3',
      'cn-southwest-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'af-south-1', 'sa-brazil-1',
      'la-north-2', 'la-south-2', 'na-mexico-1', 'tr-west-1', 'me-east-1', 'ae-ad-1',
    ].map((r) => [r, ['huaweicloud'] as const]),
  ),
};

/**
 * Regions whose host names are not those of any pattern here, so nothing is derived for them:
 * an endpoint (and for a password login an auth URL) must be given.
 */
export const REGIONS_WITHOUT_DERIVED_HOSTS: Readonly<Record<string, string>> = {
  'eu-ch2': 'Open Telekom Cloud Swiss',
};

/** Refuses to derive host names for a region in {@link REGIONS_WITHOUT_DERIVED_HOSTS}. */
export function derivationRefusal(region: string): Refusal | undefined {
  if (!Object.prototype.hasOwnProperty.call(REGIONS_WITHOUT_DERIVED_HOSTS, region)) return undefined;
  return {
    problem: `is a region of ${REGIONS_WITHOUT_DERIVED_HOSTS[region]}, whose host names are not derived here`,
    allowed: 'give the endpoint (connection.endpoint, the client\'s option endpoint, VBS_ENDPOINT or CBR_ENDPOINT), and HW_AUTH_URL for a password login',
  };
}

/** The cloud of derived URLs, or why there is none. */
export type CloudChoice = { readonly cloud: Cloud; readonly refusal?: undefined } | { readonly cloud?: undefined; readonly refusal: Refusal; readonly of: 'region' | 'cloud' };

/**
 * The cloud whose hosts serve `region`, given the cloud set (if any). A set cloud must be one of
 * the region's; a region of two clouds needs one set; an unknown region takes the set cloud, else
 * Huawei Cloud. A refusal says whether the region (`of: 'region'`) or the set cloud is at fault.
 */
export function cloudOfRegion(region: string, cloud: Cloud | undefined): CloudChoice {
  const clouds = Object.prototype.hasOwnProperty.call(REGION_CLOUDS, region) ? REGION_CLOUDS[region] : undefined;
  if (!clouds) return { cloud: cloud ?? 'huaweicloud' };
  const named = clouds.map((c) => `"${c}" (${CLOUD_NAMES[c]})`).join(' or ');
  if (cloud !== undefined) {
    if (clouds.includes(cloud)) return { cloud };
    return {
      of: 'cloud',
      refusal: { problem: `is not a cloud of region "${region}"`, allowed: `${named} for that region` },
    };
  }
  if (clouds.length === 1) return { cloud: clouds[0] };
  return {
    of: 'region',
    refusal: {
      problem: `is a region of ${clouds.length} clouds, ${clouds.map((c) => CLOUD_NAMES[c]).join(' and ')}, and no cloud is set`,
      allowed: `set the cloud to ${named} (connection.cloud on the construct, the client's option cloud, or VBS_CLOUD)`,
    },
  };
}

/** The domain of a cloud's hosts in a region (`myhuaweicloud.eu` for Huawei's European region). */
export function cloudDomain(cloud: Cloud, region: string): string {
  switch (cloud) {
    case 'otc':
      return 'otc.t-systems.com';
    case 'flexibleengine':
      return 'prod-cloud-ocb.orange-business.com';
    default:
      return region === 'eu-west-101' ? 'myhuaweicloud.eu' : 'myhuaweicloud.com';
  }
}

/** `https://<service>.<region>.<domain>`: the derived base URL of VBS or CBR. */
export function serviceUrl(service: Service, cloud: Cloud, region: string): string {
  return `https://${service}.${region}.${cloudDomain(cloud, region)}`;
}

/**
 * The derived IAM base URL (password logins). Huawei's European region logs in at the global
 * `iam.myhuaweicloud.eu`; every other region at `iam.<region>.<domain>`. Without a region, OTC
 * and Flexible Engine have a home region (`eu-de`, `eu-west-0`); Huawei Cloud has none here.
 */
export function iamUrl(cloud: Cloud, region: string | undefined): string | undefined {
  if (cloud === 'huaweicloud' && region === 'eu-west-101') return 'https://iam.myhuaweicloud.eu';
  const home = region ?? (cloud === 'otc' ? 'eu-de' : cloud === 'flexibleengine' ? 'eu-west-0' : undefined);
  return home === undefined ? undefined : `https://iam.${home}.${cloudDomain(cloud, home)}`;
}
