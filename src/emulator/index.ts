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
  EmulatorVaultSeed, Fault, FinishJobsFilter, FinishedJobs, RecordedRequest, RequestFilter, ScheduledVaultRun,
} from './types';
