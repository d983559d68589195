/**
 * Shared plumbing of the commands: where output goes (results on stdout, progress on stderr,
 * every line redacted), the client's lifetime and the overall deadline. How a failure becomes one
 * printable message is failure.ts (loaded by the commands, not by main.ts).
 */
import type { ConnectionArgs } from './args';
import type { PolicyApi } from './ports';

/** Environment variables whose values are secrets and must never be printed. */
export const SECRET_VARIABLES: readonly string[] = [
  'HW_AUTH_TOKEN', 'OS_AUTH_TOKEN',
  'HW_SECRET_KEY', 'OS_SECRET_KEY',
  'HW_SECURITY_TOKEN', 'OS_SECURITY_TOKEN',
  'HW_USER_PASSWORD', 'OS_PASSWORD',
];

/** Output channels and environment of one CLI run. */
export interface CliIo {
  /** The environment the command reads (VBS_*, HW_*, OS_*). */
  readonly env: Record<string, string | undefined>;
  /** Writes one result line to stdout. */
  out(line: string): void;
  /** Writes one progress, warning or error line to stderr. */
  err(line: string): void;
  /** Registers a value that must never appear in the output (e.g. an emulator token). */
  addSecret(value: string): void;
  /** Asks a question on the terminal and resolves to the answer; absent where there is no terminal. */
  readonly ask?: (question: string) => Promise<string>;
}

/** A line writer with redaction. */
export class RedactingIo implements CliIo {
  private readonly secrets = new Set<string>();
  /** Set by {@link processIo} when stdin and stderr are a terminal. */
  public ask?: (question: string) => Promise<string>;

  /**
   * @param env the environment; secrets of {@link SECRET_VARIABLES} are registered from it
   * @param stdout sink for result lines
   * @param stderr sink for progress lines
   */
  constructor(
    readonly env: Record<string, string | undefined>,
    private readonly stdout: (text: string) => void,
    private readonly stderr: (text: string) => void,
  ) {
    for (const name of SECRET_VARIABLES) {
      const v = env[name];
      if (v) this.addSecret(v);
    }
  }

  addSecret(value: string): void {
    // Very short values would redact ordinary words; they are not credentials anyone uses.
    if (value.length >= 4) this.secrets.add(value);
  }

  out(line: string): void {
    this.stdout(`${this.redact(line)}\n`);
  }

  err(line: string): void {
    this.stderr(`${this.redact(line)}\n`);
  }

  /** Replaces every registered secret in `text` with `***`. */
  redact(text: string): string {
    let result = text;
    for (const s of this.secrets) {
      if (result.includes(s)) result = result.split(s).join('***');
    }
    return result;
  }
}

/** The io of the real process (process.stdout / process.stderr / process.env). */
export function processIo(): RedactingIo {
  const io = new RedactingIo(
    process.env,
    (t) => process.stdout.write(t),
    (t) => process.stderr.write(t),
  );
  if (process.stdin.isTTY && process.stderr.isTTY) io.ask = askOnTerminal;
  return io;
}

/** One question on stderr, one line of answer from stdin (a terminal). */
async function askOnTerminal(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** A bound on a whole command. */
export interface Deadline {
  /** Fires when the time is up. */
  readonly signal: AbortSignal;
  /** Epoch ms when it fires. */
  readonly at: number;
  /** Seconds allowed. */
  readonly seconds: number;
  /** Where the bound came from, for messages (`--timeout`, `VBS_HOOK_TIMEOUT`). */
  readonly source: string;
}

/** Starts a deadline of `seconds` from now. */
export function startDeadline(seconds: number, source: string): Deadline {
  return { signal: AbortSignal.timeout(seconds * 1000), at: Date.now() + seconds * 1000, seconds, source };
}

/**
 * Runs `fn` with a fresh client and closes it afterwards. The client module is loaded here,
 * lazily, so commands that fail on usage never load it.
 */
export async function withClient<T>(
  connection: ConnectionArgs,
  env: Record<string, string | undefined>,
  fn: (api: PolicyApi) => Promise<T>,
): Promise<T> {
  const { createClient } = await import('./ports');
  const api = createClient(connection, env);
  try {
    return await fn(api);
  } finally {
    await api.close().catch(() => undefined);
  }
}

/** Prints a JSON document as one line-terminated block. */
export function jsonDocument(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
