export { HookResource, HOOK_RESOURCE_CONTEXT_KEY, MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY } from './hook-kind';
export type { IHookResource } from './hook-kind';
export type { Cloud, VbsConnection } from './connection';
export { VbsValidationError } from './validation';
