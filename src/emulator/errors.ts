/**
 * Error responses of the emulator in the shapes the real cloud uses: the VBS service shape
 * `{"error":{"code","message"}}` for `AutoBackup.*`, CBR's `{"error_code","error_msg"}` for
 * `BackupService.*`, and the API gateway shape `{"error_code","error_msg","request_id"}` for
 * `APIGW.*` (both services).
 */
import type { WireCbrError } from '../contract/cbr-wire';
import type { WireGatewayError, WireServiceError } from '../contract/wire';

/** A response the handlers produce: status, optional JSON body, optional headers. */
export interface HandlerResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** Thrown by handlers; turned into an error response by the server. */
export class EmulatorHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly shape: 'service' | 'gateway' | 'cbr',
  ) {
    super(message);
    this.name = 'EmulatorHttpError';
  }

  /** The JSON body for this error; gateway errors carry the request id. */
  toBody(requestId: string): WireServiceError | WireGatewayError | WireCbrError {
    if (this.shape === 'gateway') return { error_code: this.code, error_msg: this.message, request_id: requestId };
    if (this.shape === 'cbr') return { error_code: this.code, error_msg: this.message };
    return { error: { code: this.code, message: this.message } };
  }
}

/** A service-level (`AutoBackup.*`) error; status 400 unless given. */
export function serviceError(code: string, message: string, status = 400): EmulatorHttpError {
  return new EmulatorHttpError(status, code, message, 'service');
}

/** A CBR service error (`BackupService.*`, `{"error_code","error_msg"}`); status 400 unless given. */
export function cbrError(code: string, message: string, status = 400): EmulatorHttpError {
  return new EmulatorHttpError(status, code, message, 'cbr');
}

/** A gateway-level (`APIGW.*`) error. */
export function gatewayError(status: number, code: string, message: string): EmulatorHttpError {
  return new EmulatorHttpError(status, code, message, 'gateway');
}

/** Codes used by the emulator, named so the handlers read as prose. */
export const CODES = {
  requestEmpty: 'AutoBackup.0000',
  objectInvalid: 'AutoBackup.0001',
  policyIdEmpty: 'AutoBackup.0006',
  invalidJson: 'AutoBackup.0008',
  internal: 'AutoBackup.0009',
  defaultPolicy: 'AutoBackup.0100',
  nameLength: 'AutoBackup.0101',
  nameInvalid: 'AutoBackup.0102',
  startTime: 'AutoBackup.0103',
  status: 'AutoBackup.0104',
  retainFirst: 'AutoBackup.0105',
  frequency: 'AutoBackup.0106',
  retention: 'AutoBackup.0107',
  policyQuota: 'AutoBackup.0203',
  volumeQuota: 'AutoBackup.0204',
  policyNotFound: 'AutoBackup.0205',
  resourcesEmpty: 'AutoBackup.0207',
  resourceIdEmpty: 'AutoBackup.0209',
  resourceType: 'AutoBackup.0211',
  tagInvalid: 'AutoBackup.0214',
  tagQuota: 'AutoBackup.0215',
  tagNotFound: 'AutoBackup.0216',
  angleBrackets: 'AutoBackup.0221',
  unsupportedAction: 'AutoBackup.0222',
  executing: 'AutoBackup.0225',
  timeZone: 'AutoBackup.0226',
  resourceInvalid: 'AutoBackup.1400',
  apiNotFound: 'APIGW.0101',
  requestError: 'APIGW.0201',
  iamAuth: 'APIGW.0301',
  iamForbidden: 'APIGW.0302',
  appAuth: 'APIGW.0303',
  tokenExpired: 'APIGW.0307',
  throttled: 'APIGW.0308',
} as const;

