export { BackupPolicyTrigger } from './trigger';
export type { BackupPolicyTriggerOptions, BackupPolicyTriggerProps } from './trigger';
export { FailureMode, Rerun } from './rerun';
export { WhenBusy } from './when-busy';
