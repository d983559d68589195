export { HookResource, HOOK_RESOURCE_CONTEXT_KEY } from './hook-resource';
export type { VbsConnection } from './connection';
