/**
 * The embedded VBS and CBR emulator. Loaded lazily by the CLI's `emulator` command and imported by
 * tests; it never loads cdktf or constructs.
 *
 * @packageDocumentation
 * @module cdktf-vbs-backup/emulator
 */
export { startEmulator } from './server';
export type {
  EmulatedPolicy, Emulator, EmulatorAccessKey, EmulatorCredentialsOptions, EmulatorOperation, EmulatorOptions, EmulatorToken, EmulatorUser,
  EmulatorVaultSeed, Fault, RecordedRequest, RequestFilter, ScheduledVaultRun,
} from './types';
export { MAX_BODY_BYTES, MAX_URL_LENGTH } from './http-io';
export { MAX_CLOCK_SKEW_MS } from './auth';
export { DEFAULT_POLICY_NAME, MAX_JOBS_PER_POLICY, MAX_VOLUMES_PER_POLICY } from './store';
export { MAX_TAGS } from './validation';
export { formatJobTime } from './jobs';
