/**
 * Human-readable and JSON renderings of policies and jobs for the CLI and the hook logs.
 */
import type { WirePolicy, WireScheduledPolicy } from '../contract/wire';
import type { JobInfo } from './ports';

/** `policy NAME (id ID)`, the way every progress line names a policy. */
export function policyLabel(policy: Pick<WirePolicy, 'backup_policy_id' | 'backup_policy_name'>): string {
  return `policy ${policy.backup_policy_name} (id ${policy.backup_policy_id})`;
}

/** `1 volume` / `3 volumes`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The schedule in words: `daily at 02:00`, `every 3 days at 02:00,14:00`, `weekly on MON,THU at 02:00`. */
export function describeSchedule(sp: WireScheduledPolicy | undefined, timeZone?: string): string {
  if (!sp) return '-';
  const at = sp.start_time ? ` at ${sp.start_time}` : '';
  const tz = timeZone ? ` ${timeZone}` : ' UTC';
  let period: string;
  if (sp.frequency !== undefined) period = sp.frequency === 1 ? 'daily' : `every ${sp.frequency} days`;
  else if (sp.week_frequency && sp.week_frequency.length > 0) period = `weekly on ${sp.week_frequency.join(',')}`;
  else period = 'no period';
  return `${period}${at}${at ? tz : ''}`;
}

/** The retention in words: `keep 7`, `keep 30 days`. */
export function describeRetention(sp: WireScheduledPolicy | undefined): string {
  if (sp?.rentention_num !== undefined) return `keep ${sp.rentention_num}`;
  if (sp?.rentention_day !== undefined) return `keep ${sp.rentention_day} days`;
  return '-';
}

/** A job as JSON (dates as ISO 8601 UTC). */
export interface JobJson {
  jobId: string;
  status: string;
  final: boolean;
  resourceId: string;
  backupName: string;
  createdAt: string;
  finishedAt?: string;
  failReason?: string;
}

/** Converts a client job to its JSON form. */
export function jobToJson(job: JobInfo): JobJson {
  const json: JobJson = {
    jobId: job.jobId,
    status: job.status,
    final: job.final,
    resourceId: job.resourceId,
    backupName: job.backupName,
    createdAt: job.createdAt.toISOString(),
  };
  if (job.finishedAt) json.finishedAt = job.finishedAt.toISOString();
  if (job.failReason) json.failReason = job.failReason;
  return json;
}

/** Lays rows out in left-aligned columns separated by two spaces. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The jobs table of `vbs-backup jobs` and `execute --wait`. */
export function jobsTable(jobs: JobInfo[]): string[] {
  return table(
    ['JOB ID', 'VOLUME', 'STATUS', 'CREATED', 'FINISHED', 'BACKUP', 'FAIL REASON'],
    jobs.map((j) => [
      j.jobId,
      j.resourceId,
      j.status,
      shortTime(j.createdAt),
      j.finishedAt ? shortTime(j.finishedAt) : '-',
      j.backupName || '-',
      j.failReason ?? '',
    ]),
  );
}

/** The policies table of `vbs-backup policies`. */
export function policiesTable(policies: WirePolicy[]): string[] {
  return table(
    ['ID', 'NAME', 'STATUS', 'SCHEDULE', 'RETENTION', 'VOLUMES'],
    policies.map((p) => [
      p.backup_policy_id,
      p.backup_policy_name,
      p.scheduled_policy?.status ?? '-',
      describeSchedule(p.scheduled_policy, p.time_zone),
      describeRetention(p.scheduled_policy),
      String(p.policy_resource_count ?? 0),
    ]),
  );
}

/** One progress line for a job: `job J on volume V: STATUS (reason)`. */
export function jobLine(job: JobInfo): string {
  const reason = job.failReason ? `: ${job.failReason}` : '';
  return `job ${job.jobId} on volume ${job.resourceId}: ${job.status}${reason}`;
}

/** Jobs that ended in failure (EXECUTE_FAIL or EXECUTE_TIMEOUT). */
export function failedJobs(jobs: JobInfo[]): JobInfo[] {
  return jobs.filter((j) => j.status === 'EXECUTE_FAIL' || j.status === 'EXECUTE_TIMEOUT');
}

/** Describes failed jobs naming volume, status and reason, for the failure message. */
export function describeFailures(failed: JobInfo[]): string {
  return failed
    .map((j) => `volume ${j.resourceId} ${j.status}${j.failReason ? ` (${j.failReason})` : ' (no reason given)'}`)
    .join('; ');
}

function shortTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
