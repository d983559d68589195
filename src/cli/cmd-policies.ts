/**
 * `vbs-backup policies [--json]`
 */
import { CONNECTION_OPTIONS, HELP_OPTION, OptionDef, connectionArgs, parseCommandLine } from './args';
import { policiesTable } from './format';
import { COMMAND_HELP } from './help';
import type { CliIo } from './io';
import { describeFailure, jsonDocument, startDeadline, withClient } from './runtime';

const COMMAND = 'policies';
const TIMEOUT_SECONDS = 120;

const OPTIONS: Record<string, OptionDef> = {
  json: { type: 'boolean' },
  ...CONNECTION_OPTIONS,
  ...HELP_OPTION,
};

/** Runs the command; resolves to the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const values = parseCommandLine(COMMAND, argv, OPTIONS);
  if (values.help) {
    io.out(COMMAND_HELP[COMMAND]);
    return 0;
  }
  const connection = connectionArgs(COMMAND, values);
  const deadline = startDeadline(TIMEOUT_SECONDS, 'the policies command bound');
  try {
    return await withClient(connection, io.env, async (api) => {
      const policies = await api.listPolicies({ signal: deadline.signal });
      io.err(`${policies.length} backup polic${policies.length === 1 ? 'y' : 'ies'} in project ${api.projectId}`);
      if (values.json === true) {
        io.out(jsonDocument({ projectId: api.projectId, policies }));
      } else {
        for (const line of policiesTable(policies)) io.out(line);
      }
      return 0;
    });
  } catch (err) {
    io.err(`error: ${describeFailure(err, deadline)}`);
    return 1;
  }
}
