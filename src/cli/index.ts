/**
 * The `vbs-backup` CLI and the hook executor, as a library: mostly for tests and for programs
 * that want to run the same commands in-process.
 */
export { main, version, HOOK_COMMANDS } from './main';
export { PUBLIC_COMMANDS } from './help';
export { UsageError } from './args';
export { CliIo, RedactingIo, SECRET_VARIABLES } from './runtime';
export {
  PolicySpec, PolicyRef, HookConnection, TriggerInputs, PolicyApplyInputs, PolicyDestroyInputs, VolumeInputs,
  VaultRef, VaultTriggerInputs, readVaultTriggerInputs,
  parsePolicySpec, readTriggerInputs, readPolicyApplyInputs, readPolicyDestroyInputs, readVolumeInputs,
  DEFAULT_TRIGGER_TIMEOUT_SECONDS, DEFAULT_POLICY_TIMEOUT_SECONDS,
} from './hook-env';
export {
  MARKER_TAG_KEY, Marker, TagPlan, markerValue, parseMarker, markerValuesFor, desiredTags, planTags,
  createBody, updateBody,
} from './hook-plan';
export { runVolumeAttach, runVolumeDetach } from './hook-volumes';
