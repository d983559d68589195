/**
 * Command-line parsing for `vbs-backup`: node:util parseArgs in strict mode, with every parse or
 * validation failure turned into a {@link UsageError} that says what was wrong, what is allowed,
 * and where to look (`--help`). Exit code 2 is reserved for these.
 */
import { parseArgs } from 'node:util';
import type { ClientOptions } from '../client/service';
import { WHEN_BUSY_CHOICES, WhenBusyChoice } from '../contract/hook';
import type { Cloud } from '../contract/rules';
import { COMMAND_HELP } from './help';

/**
 * The client's own checks (id formats, endpoint rules), loaded when an option needs them:
 * `--help` and usage errors must not load the client.
 */
function client(): typeof import('../contract/wire') & typeof import('../client/endpoints') & typeof import('../client/errors') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, synchronously: the option checks are synchronous
  return { ...require('../contract/wire'), ...require('../client/endpoints'), ...require('../client/errors') };
}

/** A wrong command line: exit code 2, message plus a pointer to `--help`. */
export class UsageError extends Error {
  /**
   * @param message what was wrong and what is allowed
   * @param command the command whose `--help` explains the usage; absent for the top level
   */
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One option of a command, in node:util parseArgs form. */
export interface OptionDef {
  /** `string` takes a value, `boolean` is a flag. */
  readonly type: 'string' | 'boolean';
  /** Whether the option may be given several times (values collected in order). @default false */
  readonly multiple?: boolean;
  /** One-letter alias. @default - none */
  readonly short?: string;
}

/** Options every API command takes: where to connect. */
export const CONNECTION_OPTIONS: Record<string, OptionDef> = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'project-id': { type: 'string' },
};

/** `--help` / `-h`, accepted by every command. */
export const HELP_OPTION: Record<string, OptionDef> = { help: { type: 'boolean', short: 'h' } };

/** The options of the commands that back up now (`execute`, `backup-vault`): wait, bound, busy choice. */
export const RUN_NOW_OPTIONS: Record<string, OptionDef> = {
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  'when-busy': { type: 'string' },
};

/** The option table of an API command: its own options, then `--json`, the connection options and `--help`. */
export function apiCommandOptions(own: Record<string, OptionDef>): Record<string, OptionDef> {
  return { ...own, json: { type: 'boolean' }, ...CONNECTION_OPTIONS, ...HELP_OPTION };
}

export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/**
 * Parses `argv` for `command` against `options` (strict: unknown options, missing values and
 * positional arguments are usage errors).
 */
export function parseCommandLine(command: string, argv: string[], options: Record<string, OptionDef>): ParsedValues {
  try {
    const { values } = parseArgs({ args: argv, options: options as never, strict: true, allowPositionals: false });
    return values as ParsedValues;
  } catch (err) {
    throw new UsageError(describeParseError(err, options), command);
  }
}

/**
 * Parses `argv` for `command` as {@link parseCommandLine}; with `--help`, prints the command's
 * help and resolves to undefined: the command has nothing more to do (exit 0).
 */
export function parseOrHelp(command: string, argv: string[], options: Record<string, OptionDef>, io: { out(line: string): void }): ParsedValues | undefined {
  const values = parseCommandLine(command, argv, options);
  if (values.help !== true) return values;
  io.out(COMMAND_HELP[command]);
  return undefined;
}

function describeParseError(err: unknown, options: Record<string, OptionDef>): string {
  const e = err as { code?: string; message?: string };
  const allowed = Object.keys(options).map((o) => `--${o}`).join(', ');
  const quoted = /'([^']+)'/.exec(e.message ?? '')?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? ''}; allowed options: ${allowed}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted ?? ''}'; this command takes only options (${allowed})`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `${lowerFirst(e.message ?? 'invalid option value')}`;
    default:
      return `cannot parse the command line: ${e.message ?? String(err)}`;
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A string option's value, or undefined. */
export function stringOption(values: ParsedValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** All values of a `multiple` string option. */
export function stringList(values: ParsedValues, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}


/** Checks a policy id given on the command line (a UUID, as the API issues them). */
export function checkPolicyId(command: string, value: string): string {
  if (!client().UUID_PATTERN.test(value)) {
    throw new UsageError(`--policy-id must be a policy UUID (8-4-4-4-12 hex digits), got '${value}'`, command);
  }
  return value.toLowerCase();
}

/** Checks a project id (32 hex digits). */
export function checkProjectId(command: string, value: string | undefined): string | undefined {
  if (value !== undefined && !client().PROJECT_ID_PATTERN.test(value)) {
    throw new UsageError(`--project-id must be 32 hex digits, got '${value}'`, command);
  }
  return value;
}

/** Checks an endpoint URL by the client's rules (https, or http on a loopback host). */
export function checkEndpoint(command: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint must be an http(s) URL such as https://vbs.eu-de.otc.t-systems.com, got '${value}'`, command);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--endpoint must use http or https, got '${url.protocol}' in '${value}'`, command);
  }
  // The client's rules (http only on loopback, no user info or query) are usage errors here.
  const { checkBaseUrl, VbsConfigError } = client();
  try {
    return checkBaseUrl(value, '--endpoint');
  } catch (err) {
    if (err instanceof VbsConfigError) throw new UsageError(err.message, command);
    throw err;
  }
}

/**
 * Parses a whole number option within [min, max].
 * @param what the option name for the message, e.g. `--timeout`
 */
export function integerOption(command: string, what: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got '${value}'`, command);
  }
  return Number(value);
}

/** Parses an ISO 8601 instant (`2024-05-01T02:00:00Z`; without a zone it is read as UTC). */
export function isoOption(command: string, what: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
  const m = iso.exec(value);
  if (!m) {
    throw new UsageError(`${what} must be an ISO 8601 date or date-time such as 2024-05-01T02:00:00Z, got '${value}'`, command);
  }
  // Date.parse reads a date-time without a zone as local time; the API speaks UTC.
  const withZone = m[1] && !m[4] ? `${value}Z` : value;
  const t = Date.parse(withZone);
  // Date.parse rolls impossible dates over (2024-02-31 -> 2024-03-02): check the calendar too.
  const [y, mo, d] = value.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d));
  const clock = /T(\d{2}):(\d{2})(?::(\d{2}))?/i.exec(value);
  const clockOk = !clock || (+clock[1] <= 23 && +clock[2] <= 59 && +(clock[3] ?? 0) <= 59);
  if (Number.isNaN(t) || day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d || !clockOk) {
    throw new UsageError(`${what} is not a valid date: '${value}'`, command);
  }
  return new Date(t);
}

/** The policy reference of `execute` and `jobs`: exactly one of --policy-id / --policy-name. */
export type PolicySelector = { readonly policyId: string } | { readonly policyName: string };

/** Reads exactly one of `--policy-id` / `--policy-name`. */
export function policySelector(command: string, values: ParsedValues): PolicySelector {
  const id = stringOption(values, 'policy-id');
  const name = stringOption(values, 'policy-name');
  if (id !== undefined && name !== undefined) {
    throw new UsageError('give either --policy-id or --policy-name, not both', command);
  }
  if (id !== undefined) return { policyId: checkPolicyId(command, id) };
  if (name !== undefined) {
    if (name.length === 0) throw new UsageError('--policy-name must not be empty', command);
    return { policyName: name };
  }
  throw new UsageError('a policy is required: give --policy-id ID or --policy-name NAME', command);
}

/** Connection settings from the common options (each undefined when not given). */
export interface ConnectionArgs {
  /** --endpoint. @default - VBS_ENDPOINT or derived from region and cloud */
  readonly endpoint?: string;
  /** --region. @default - HW_REGION_NAME / OS_REGION_NAME */
  readonly region?: string;
  /** --project-id. @default - HW_PROJECT_ID / OS_PROJECT_ID */
  readonly projectId?: string;
  /** A construct's `connection.cloud` (hooks only). @default - VBS_CLOUD, else the region's cloud */
  readonly cloud?: Cloud;
}

/**
 * Options of a client (VBS or CBR) for one CLI or hook run: the explicit connection values win
 * over the environment, which the client reads itself. A one-shot process makes a handful of
 * calls: node's own http costs less to load than undici (docs/architecture.md ADR 8), and the
 * calls go one after another over one socket.
 */
export function oneShotClientOptions(connection: ConnectionArgs, env: Record<string, string | undefined>): ClientOptions {
  const { endpoint, region, projectId, cloud } = connection;
  return { endpoint, region, projectId, cloud, env, transport: 'node-http', connections: 1 };
}

/** Reads and checks the common connection options. */
export function connectionArgs(command: string, values: ParsedValues): ConnectionArgs {
  return {
    endpoint: checkEndpoint(command, stringOption(values, 'endpoint')),
    region: stringOption(values, 'region'),
    projectId: checkProjectId(command, stringOption(values, 'project-id')),
  };
}

/** Reads `--when-busy` (absent: `wait`, the first choice). */
export function whenBusyOption(command: string, text: string | undefined): WhenBusyChoice {
  if (text === undefined) return WHEN_BUSY_CHOICES[0];
  if (!(WHEN_BUSY_CHOICES as readonly string[]).includes(text)) {
    throw new UsageError(`--when-busy must be one of ${WHEN_BUSY_CHOICES.join(', ')}, got '${text}'`, command);
  }
  return text as WhenBusyChoice;
}

/** What {@link RUN_NOW_OPTIONS} say. */
export interface RunNowArgs {
  /** `--wait`. */
  readonly wait: boolean;
  /** `--timeout`, 1-86400 seconds. */
  readonly timeoutSeconds: number;
  /** `--when-busy`. @default 'wait' */
  readonly whenBusy: WhenBusyChoice;
}

/** Reads {@link RUN_NOW_OPTIONS}; `--timeout` absent is `defaultTimeoutSeconds`. */
export function runNowArgs(command: string, values: ParsedValues, defaultTimeoutSeconds: number): RunNowArgs {
  return {
    wait: values.wait === true,
    timeoutSeconds: integerOption(command, '--timeout', stringOption(values, 'timeout'), 1, 86400) ?? defaultTimeoutSeconds,
    whenBusy: whenBusyOption(command, stringOption(values, 'when-busy')),
  };
}
