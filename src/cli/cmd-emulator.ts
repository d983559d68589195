/**
 * `vbs-backup emulator [--host H] [--port N] [--state-file F] [--token T]... [--access-key AK
 * --secret-key SK] [--project-id P] [--job-seconds N] [--vault NAME=ID,...]... [--policy NAME=ID,...]...`:
 * the emulator (VBS and CBR) in the foreground.
 *
 * The emulator module is required here, inside the command, and nowhere else: the hook bundle
 * marks `../emulator` external and must never need it. This file therefore lives directly in
 * src/cli so the path is exactly `../emulator` both from lib/cli and from lib/hook.
 */
import { POLICY_NAME_PATTERN, UUID_PATTERN, VOLUME_ID_PATTERN, isReservedPolicyName } from '../contract/wire';
import {
  HELP_OPTION, OptionDef, UsageError, checkProjectId, integerOption, parseOrHelp, stringList, stringOption,
} from './args';
import type { CliIo } from './runtime';

const COMMAND = 'emulator';

/** Default port of `vbs-backup emulator` (README "CLI"). */
export const DEFAULT_EMULATOR_PORT = 8787;

const OPTIONS: Record<string, OptionDef> = {
  host: { type: 'string' },
  port: { type: 'string' },
  'state-file': { type: 'string' },
  token: { type: 'string', multiple: true },
  'access-key': { type: 'string' },
  'secret-key': { type: 'string' },
  'project-id': { type: 'string' },
  'job-seconds': { type: 'string' },
  vault: { type: 'string', multiple: true },
  policy: { type: 'string', multiple: true },
  ...HELP_OPTION,
};

/** Something that can wait for a stop signal; the real process by default. */
export interface SignalSource {
  once(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  removeListener(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** Runs the emulator until SIGINT/SIGTERM; resolves to the exit code. */
export async function run(argv: string[], io: CliIo, signals: SignalSource = process): Promise<number> {
  const values = parseOrHelp(COMMAND, argv, OPTIONS, io);
  if (!values) return 0;
  const host = stringOption(values, 'host') ?? '127.0.0.1';
  const port = integerOption(COMMAND, '--port', stringOption(values, 'port'), 0, 65535) ?? DEFAULT_EMULATOR_PORT;
  const jobSecondsText = stringOption(values, 'job-seconds');
  if (jobSecondsText !== undefined && !/^\d+(\.\d+)?$/.test(jobSecondsText)) {
    throw new UsageError(`--job-seconds must be a number of seconds >= 0 (0: jobs final at once), got '${jobSecondsText}'`, COMMAND);
  }
  const projectId = checkProjectId(COMMAND, stringOption(values, 'project-id'));
  const tokens = stringList(values, 'token');
  if (tokens.some((t) => t.length === 0)) throw new UsageError('--token must not be empty', COMMAND);
  const accessKey = stringOption(values, 'access-key');
  const secretKey = stringOption(values, 'secret-key');
  if ((accessKey === undefined) !== (secretKey === undefined)) {
    throw new UsageError('--access-key and --secret-key go together: give both or neither', COMMAND);
  }
  const vaults = stringList(values, 'vault').map(parseVault);
  const policies = stringList(values, 'policy').map(parsePolicy);
  for (const t of tokens) io.addSecret(t);
  if (secretKey) io.addSecret(secretKey);

  const { startEmulator } = await import('../emulator');
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      host,
      port,
      stateFile: stringOption(values, 'state-file'),
      // With --project-id the credentials act on that project only, as IAM scopes them.
      tokens: tokens.length > 0 ? tokens.map((token) => ({ token, projectId })) : undefined,
      accessKeys: accessKey && secretKey ? [{ accessKey, secretKey, projectId }] : undefined,
      projectIds: projectId ? [projectId] : undefined,
      jobSeconds: jobSecondsText === undefined ? undefined : Number(jobSecondsText),
      // Seeded vaults go into the --project-id project, else into every project on its first use.
      vaults: vaults.map((v) => ({ ...v, projectId })),
      policies: policies.map((p) => ({ ...p, projectId })),
    });
  } catch (err) {
    io.err(`error: cannot start the emulator on ${host}:${port}: ${(err as Error).message}`);
    return 1;
  }
  io.out(`listening on http://${emulator.host}:${emulator.port}`);
  const open = tokens.length === 0 && !accessKey;
  io.err(open
    ? 'open mode: any non-empty X-Auth-Token is accepted for any project'
    : `accepting ${tokens.length} token(s)${accessKey ? ` and access key ${accessKey}` : ''}${projectId ? ` for project ${projectId} only` : ' for any project'}`);
  const where = projectId ? ` in project ${projectId}` : ' in every project';
  for (const p of policies) io.err(`VBS policy "${p.name}" seeded with ${p.volumeIds.length} volume(s)${where}`);
  for (const v of vaults) io.err(`CBR vault "${v.name}" seeded with ${v.resourceIds.length} disk(s)${where}`);
  io.err(`control surface at http://${emulator.host}:${emulator.port}/__emulator/ ; stop with Ctrl-C or SIGTERM`);

  const signal = await new Promise<string>((resolve) => {
    const onInt = () => finish('SIGINT');
    const onTerm = () => finish('SIGTERM');
    const finish = (name: string) => {
      signals.removeListener('SIGINT', onInt);
      signals.removeListener('SIGTERM', onTerm);
      resolve(name);
    };
    signals.once('SIGINT', onInt);
    signals.once('SIGTERM', onTerm);
  });
  io.err(`${signal}: stopping the emulator`);
  try {
    await emulator.stop();
  } catch (err) {
    io.err(`error: stopping the emulator failed: ${(err as Error).message}`);
    return 1;
  }
  io.err('stopped');
  return 0;
}

/** `NAME=ID,ID`: a name and its ids, or undefined when the text has no `=`, no name or no id. */
function nameAndIds(text: string): { name: string; ids: string[] } {
  const eq = text.indexOf('=');
  return { name: eq < 0 ? '' : text.slice(0, eq), ids: eq < 0 ? [] : text.slice(eq + 1).split(',').map((s) => s.trim()) };
}

/** `--vault NAME=ID,ID`: a disk vault seeded at start. */
function parseVault(text: string): { name: string; resourceIds: string[] } {
  const { name, ids } = nameAndIds(text);
  if (name.length < 1 || name.length > 64 || ids.length === 0 || ids.some((id) => !UUID_PATTERN.test(id))) {
    throw new UsageError(`--vault must be NAME=DISK_ID[,DISK_ID...] (a name of 1-64 characters, disk ids as UUIDs), got '${text.slice(0, 120)}'`, COMMAND);
  }
  return { name, resourceIds: ids };
}

/** `--policy NAME=ID,ID`: a VBS policy seeded at start, with these volumes. */
function parsePolicy(text: string): { name: string; volumeIds: string[] } {
  const { name, ids } = nameAndIds(text);
  const ok = POLICY_NAME_PATTERN.test(name) && !isReservedPolicyName(name) && ids.length > 0 && ids.every((id) => VOLUME_ID_PATTERN.test(id));
  if (!ok) {
    throw new UsageError('--policy must be NAME=VOLUME_ID[,VOLUME_ID...] (a policy name of 1-64 letters, digits, \'_\' or \'-\', ' +
      `not starting with "default"; volume ids of the same characters, UUIDs in practice), got '${text.slice(0, 120)}'`, COMMAND);
  }
  return { name, volumeIds: ids };
}
