/**
 * Entry of `vbs-backup`: picking the command, and mapping failures to exit codes (0 success,
 * 1 API or runtime failure, 2 usage error). Each command module is required
 * only when it runs, so the hook path loads the client and nothing else, and `--help` loads
 * neither. The hook commands are absent from the help: they are an internal contract with the
 * constructs (docs/architecture.md ADR 1), not a user interface.
 */
import { HOOK_COMMANDS as HOOK_COMMAND_WORDS } from '../contract/hook';
import { UsageError } from './args';
import { COMMAND_HELP, helpPointer, MAIN_HELP, PUBLIC_COMMANDS } from './help';
import { CliIo, processIo } from './runtime';

type CommandRunner = (argv: string[], io: CliIo) => Promise<number>;

/** Public commands (shown in --help) and hidden hook commands, each loaded on use. */
const COMMANDS: Record<string, () => Promise<CommandRunner>> = {
  execute: async () => (await import('./execute')).runExecute,
  jobs: async () => (await import('./cmd-list')).runJobs,
  policies: async () => (await import('./cmd-list')).runPolicies,
  'backup-vault': async () => (await import('./cmd-vault')).runBackupVault,
  'vault-backups': async () => (await import('./cmd-restore')).runVaultBackupsOrRuns,
  vaults: async () => (await import('./cmd-vault')).runVaults,
  restore: async () => (await import('./cmd-restore')).runRestore,
  emulator: async () => (await import('./cmd-emulator')).run,
  [HOOK_COMMAND_WORDS.policyApply]: async () => (await import('./hooks')).runApply,
  [HOOK_COMMAND_WORDS.policyDestroy]: async () => (await import('./hooks')).runDestroy,
  [HOOK_COMMAND_WORDS.trigger]: async () => (await import('./hooks')).runTrigger,
  [HOOK_COMMAND_WORDS.vaultTrigger]: async () => (await import('./hook-vault')).runVaultTrigger,
  [HOOK_COMMAND_WORDS.volumeAttach]: async () => (await import('./hook-volumes')).runVolumeAttach,
  [HOOK_COMMAND_WORDS.volumeDetach]: async () => (await import('./hook-volumes')).runVolumeDetach,
};

/** Hook command words (hidden; docs/architecture.md ADR 1), as the hook contract names them. */
export const HOOK_COMMANDS: readonly string[] = Object.values(HOOK_COMMAND_WORDS);

/** The package version. */
export function version(): string {
  // Bundled into the hook file by esbuild; read from the package root in lib/cli.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json lies outside the compiled sources; esbuild inlines this require in the hook bundle
  return (require('../../package.json') as { version: string }).version;
}

/**
 * Runs `vbs-backup` with `argv` (without node and script) and resolves to the exit code.
 * Never throws.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [word, ...rest] = argv;
  try {
    if (word === undefined) {
      throw new UsageError(`a command is required: one of ${PUBLIC_COMMANDS.join(', ')}`);
    }
    if (word === '--help' || word === '-h' || word === 'help') {
      const topic = rest[0];
      if (topic !== undefined && COMMAND_HELP[topic] === undefined) {
        throw new UsageError(`no help for '${topic}'; commands: ${PUBLIC_COMMANDS.join(', ')}`);
      }
      io.out(topic ? COMMAND_HELP[topic] : MAIN_HELP);
      return 0;
    }
    if (word === '--version' || word === '-v') {
      io.out(version());
      return 0;
    }
    const load = COMMANDS[word];
    if (!load) {
      throw new UsageError(
        word.startsWith('-')
          ? `unknown option ${word}; before a command only --help and --version are allowed (commands: ${PUBLIC_COMMANDS.join(', ')})`
          : `unknown command '${word}'; commands: ${PUBLIC_COMMANDS.join(', ')}`,
      );
    }
    return await (await load())(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      const prefix = err.command ? `vbs-backup ${err.command}` : 'vbs-backup';
      io.err(`${prefix}: ${err.message}`);
      io.err(err.command && HOOK_COMMANDS.includes(err.command)
        ? 'Hook commands read their inputs from VBS_HOOK_* variables set by the cdktf-vbs-backup constructs.'
        : helpPointer(err.command));
      return 2;
    }
    io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
