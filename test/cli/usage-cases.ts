/** Usage-error cases: label, argv, expected message, expected help pointer. */
const UUID = 'af8a20b0-117d-4fc3-ae53-aa3968a4f870';

export const formatArgsCheck: [string, string[], RegExp, string][] = [
  ['no command', [], /a command is required: one of execute, jobs, policies, emulator/, "Run 'vbs-backup --help'"],
  ['unknown command', ['backup'], /unknown command 'backup'; commands: execute, jobs, policies, emulator/, "Run 'vbs-backup --help'"],
  ['unknown top-level option', ['--wat'], /unknown option --wat; before a command only --help and --version/, "Run 'vbs-backup --help'"],
  ['help on an unknown topic', ['help', 'nope'], /no help for 'nope'/, "Run 'vbs-backup --help'"],
  ['execute without a policy', ['execute'], /a policy is required: give --policy-id ID or --policy-name NAME/, "Run 'vbs-backup execute --help'"],
  ['execute with both id and name', ['execute', '--policy-id', UUID, '--policy-name', 'n'], /either --policy-id or --policy-name, not both/, "Run 'vbs-backup execute --help'"],
  ['execute with a bad policy id', ['execute', '--policy-id', '42'], /--policy-id must be a policy UUID \(8-4-4-4-12 hex digits\), got '42'/, "Run 'vbs-backup execute --help'"],
  ['execute with an unknown option', ['execute', '--policy-id', UUID, '--force'], /unknown option --force; allowed options: --policy-id, --policy-name, --wait, --timeout, --when-busy, --json/, "Run 'vbs-backup execute --help'"],
  ['execute with a bad timeout', ['execute', '--policy-id', UUID, '--timeout', '5m'], /--timeout must be a whole number from 1 to 86400, got '5m'/, "Run 'vbs-backup execute --help'"],
  ['execute with an unknown --when-busy', ['execute', '--policy-id', UUID, '--when-busy', 'queue'], /--when-busy must be one of wait, join, fail, got 'queue'/, "Run 'vbs-backup execute --help'"],
  ['execute with a missing value', ['execute', '--policy-name'], /option '--policy-name <value>' argument missing/, "Run 'vbs-backup execute --help'"],
  ['execute with a positional', ['execute', 'nightly'], /unexpected argument 'nightly'; this command takes only options/, "Run 'vbs-backup execute --help'"],
  ['execute with a bad endpoint', ['execute', '--policy-name', 'n', '--endpoint', 'ftp://x'], /--endpoint must use http or https, got 'ftp:'/, "Run 'vbs-backup execute --help'"],
  ['execute with plain http to a remote host', ['execute', '--policy-name', 'n', '--endpoint', 'http://vbs.example.com'], /--endpoint "http:\/\/vbs.example.com" is plain http on "vbs.example.com", which is not a loopback host; allowed: an absolute https:\/\/ URL/, "Run 'vbs-backup execute --help'"],
  ['execute with user info in the endpoint', ['execute', '--policy-name', 'n', '--endpoint', 'https://u:p@vbs.example.com'], /--endpoint "https:\/\/u:p@vbs.example.com" contains user info/, "Run 'vbs-backup execute --help'"],
  ['execute with a bad project id', ['execute', '--policy-name', 'n', '--project-id', 'p1'], /--project-id must be 32 hex digits, got 'p1'/, "Run 'vbs-backup execute --help'"],
  ['jobs with a bad --since', ['jobs', '--policy-name', 'n', '--since', 'yesterday'], /--since must be an ISO 8601 date or date-time such as 2024-05-01T02:00:00Z, got 'yesterday'/, "Run 'vbs-backup jobs --help'"],
  ['jobs without a policy', ['jobs'], /a policy is required/, "Run 'vbs-backup jobs --help'"],
  ['jobs with --wait', ['jobs', '--policy-name', 'n', '--wait'], /unknown option --wait/, "Run 'vbs-backup jobs --help'"],
  ['policies with a flag value', ['policies', '--json=yes'], /option '--json' does not take an argument/, "Run 'vbs-backup policies --help'"],
  ['emulator with a bad port', ['emulator', '--port', '70000'], /--port must be a whole number from 0 to 65535, got '70000'/, "Run 'vbs-backup emulator --help'"],
  ['emulator with an access key alone', ['emulator', '--access-key', 'AK'], /--access-key and --secret-key go together/, "Run 'vbs-backup emulator --help'"],
  ['emulator with bad job seconds', ['emulator', '--job-seconds', '-1'], /--job-seconds/, "Run 'vbs-backup emulator --help'"],
];
