export { HookResource, HOOK_RESOURCE_CONTEXT_KEY } from './hook-resource';
export { VbsConnection } from './connection';
