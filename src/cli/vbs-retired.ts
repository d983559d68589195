/**
 * The policy side of the VBS -> CBR switch: VBS is being retired (Open Telekom Cloud ended it,
 * Huawei Cloud keeps it for existing users only and migrates them to CBR). A stack that moves a
 * trigger from a policy to a vault destroys the old trigger's before-destroy resource, whose
 * hook then meets a policy or a VBS that is gone. That must not fail the switch.
 *
 * The API documents no answer for "VBS is not available to this account". These are taken to
 * mean it (and only these, so an ordinary refusal is never mistaken for it):
 * - the gateway code `APIGW.0101` (the API does not exist or is not published: the gateway no
 *   longer routes VBS), whatever the status;
 * - HTTP 410 (Gone);
 * - HTTP 403 or 404 whose message says the service is not available: not available / open /
 *   enabled / supported, unavailable, offline, retired, deprecated, discontinued, no longer.
 * A DNS failure is not one of them: it is also what a machine without network sees.
 */

import { VbsApiError } from '../client/errors';

/** Where a user reads what to do (the README section on the switch). */
export const VBS_TO_CBR_README = 'README section "From VBS to CBR"';

const UNAVAILABLE_MESSAGE =
  /\b(service|vbs|api)\b.*\b(not (?:available|open(?:ed)?|enabled|supported)|unavailable|offline|retired|deprecated|discontinued|no longer)\b/i;

/** True when `err` is an answer meaning VBS is not available to the account (see the module comment). */
export function isVbsUnavailable(err: unknown): boolean {
  if (!(err instanceof VbsApiError)) return false;
  if (err.code === 'APIGW.0101' || err.status === 410) return true;
  return (err.status === 403 || err.status === 404) && UNAVAILABLE_MESSAGE.test(err.apiMessage);
}

/** The message for a VBS that is not available to the account. */
export function vbsUnavailableMessage(err: unknown): string {
  const detail = err instanceof Error ? err.message : String(err);
  return `VBS is not available to this account (${detail}): VBS is being retired and its policies migrated to CBR vaults; ` +
    `a trigger of a migrated policy becomes a vault trigger (see the ${VBS_TO_CBR_README})`;
}
