/**
 * The constructs and their value classes. The client and the emulator are their own entry
 * points (`cdktf-vbs-backup/client`, `cdktf-vbs-backup/emulator`), so a synth loads neither.
 *
 * @packageDocumentation
 * @module cdktf-vbs-backup
 */
export * from './policy';
export * from './vault';
export * from './trigger';
export * from './core';
