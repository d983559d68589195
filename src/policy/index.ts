export { BackupPolicy } from './policy';
export type { BackupPolicyProps } from './policy';
export { RemovalPolicy, Retention } from './retention';
export { Schedule, Weekday } from './schedule';
export type { ScheduleOptions } from './schedule';
