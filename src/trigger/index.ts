export { BackupPolicyTrigger } from './policy-trigger';
export type { BackupPolicyTriggerProps, IBackupPolicy } from './policy-trigger';
export type { BackupPolicyTriggerOptions, IBackupTrigger } from './trigger';
export { VaultBackupTrigger } from './vault-trigger';
export type { IBackupVault, VaultBackupTriggerOptions, VaultBackupTriggerProps } from './vault-trigger';
export { FailureMode, Rerun } from './rerun';
export { WhenBusy } from './when-busy';
