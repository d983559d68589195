export { HookResource } from './hook-kind';
export { HookRuntime } from './hook-runtime';
export type { IHookResource } from './hook-kind';
export type { BackupConnection } from './connection';
export { BackupErrors } from './errors';
