/**
 * The embedded VBS emulator. Loaded lazily by the CLI's `emulator` command and imported by
 * tests; it never loads cdktf or constructs.
 *
 * @packageDocumentation
 * @module cdktf-vbs-backup/emulator
 */
export { startEmulator } from './server';
export type {
  EmulatedPolicy, Emulator, EmulatorAccessKey, EmulatorCredentialsOptions, EmulatorOptions, EmulatorToken, EmulatorUser,
  Fault, RecordedRequest,
} from './types';
