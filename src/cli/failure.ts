/**
 * How a failed command or hook becomes one printable message, written once for all of them.
 * Errors are told apart by their class (`instanceof`), never by their name or their text: the
 * client's (src/client/errors.ts, src/client/busy.ts, src/client/cbr-backup.ts) and the
 * commands' own {@link CommandFailure}s. A busy refusal names the other choices in the words of
 * whoever set the choice: the `--when-busy` flag, or a trigger's `whenBusy`.
 *
 * Loaded by the command modules only, never by src/cli/main.ts: `--help` loads no client module.
 */
import { VbsBusyError, VbsBusyTimeoutError } from '../client/busy';
import { CbrBusyError, CbrBusyTimeoutError } from '../client/cbr-backup';
import { VbsAmbiguousNameError, VbsNotFoundError } from '../client/errors';
import { WHEN_BUSY_MEMBERS, WhenBusyChoice } from '../contract/hook';
import type { CliIo, Deadline } from './runtime';

/**
 * A failure a command found itself (a backup that ended in error, a resource the vault does
 * not hold): exit 1 with its message as it is, even when the deadline fired meanwhile.
 */
export class CommandFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Who set the busy choice: the CLI's `--when-busy` flag, or a trigger construct's `whenBusy`. */
export type BusyWording = 'cli' | 'construct';

/** What a busy choice does, per target: a policy's unfinished run, or a vault's running backups. */
const BUSY_EFFECTS = {
  policy: {
    wait: 'waits for that run, then runs',
    join: { cli: 'counts that run as this one', construct: "counts that run as this trigger's backup" },
  },
  vault: {
    wait: 'waits for those backups, then backs the resources up',
    join: { cli: 'counts the running backups', construct: "counts the running backups as this trigger's" },
  },
} as const;

/** A busy choice as its user writes it: `--when-busy join` or `WhenBusy.JOIN_RUNNING`. */
function choiceName(choice: WhenBusyChoice, wording: BusyWording): string {
  return wording === 'cli' ? `--when-busy ${choice}` : `WhenBusy.${WHEN_BUSY_MEMBERS[choice]}`;
}

/** What the other busy choices would have done, after a refusal with `fail`. */
export function busyChoices(target: keyof typeof BUSY_EFFECTS, wording: BusyWording): string {
  const fail = wording === 'cli'
    ? `${choiceName('fail', wording)} does not wait`
    : `whenBusy is ${choiceName('fail', wording)}, so the deployment does not wait`;
  const effects = BUSY_EFFECTS[target];
  return `${fail}; ${choiceName('wait', wording)} (the default) ${effects.wait}; ${choiceName('join', wording)} ${effects.join[wording]}`;
}

/** Whether the message of `err` is complete whatever the deadline did. */
function isFinal(err: unknown): boolean {
  return err instanceof CommandFailure || err instanceof VbsNotFoundError || err instanceof VbsAmbiguousNameError;
}

/**
 * The message of a failure: the error's own message (the client's errors name the operation,
 * status, code and message), a busy refusal with the other choices, a busy wait with its bound,
 * or that the deadline passed.
 */
export function describeFailure(err: unknown, deadline: Deadline | undefined, wording: BusyWording): string {
  if (err instanceof VbsBusyError) return `${err.message}. ${busyChoices('policy', wording)}`;
  if (err instanceof CbrBusyError) return `${err.message}. ${busyChoices('vault', wording)}`;
  if (deadline && (err instanceof VbsBusyTimeoutError || err instanceof CbrBusyTimeoutError)) {
    return `${err.message} (bound: ${deadline.seconds} s, ${deadline.source})`;
  }
  if (deadline?.signal.aborted && !isFinal(err)) {
    const operation = (err as { operation?: unknown } | undefined)?.operation;
    return `timed out after ${deadline.seconds} s (${deadline.source})${typeof operation === 'string' ? ` during ${operation}` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs a command's work and resolves to its exit code; a failure is one line on stderr,
 * `error: <what><message>`, and exit 1.
 */
export async function exitCodeOf(
  work: () => Promise<number>, io: CliIo, deadline: Deadline, wording: BusyWording, what = '',
): Promise<number> {
  try {
    return await work();
  } catch (err) {
    io.err(`error: ${what}${describeFailure(err, deadline, wording)}`);
    return 1;
  }
}

/**
 * A trigger hook's failure: with failure mode `continue` a WARNING and exit 0 (the deployment
 * carries on), else an error and exit 1 (Terraform fails the apply and taints the resource).
 */
export function triggerFailure(io: CliIo, message: string, failureMode: 'fail' | 'continue'): number {
  if (failureMode === 'continue') {
    io.err(`WARNING: ${message} (failure mode continue: the deployment carries on)`);
    return 0;
  }
  io.err(`error: ${message}`);
  return 1;
}
