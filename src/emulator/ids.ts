/**
 * Random identifiers for the emulator's hot path (request ids, job ids, backup names).
 *
 * `crypto.randomBytes(16)` per call costs a trip through Node's crypto job machinery each
 * time; under load (thousands of requests per second, each needing a request id) that was a
 * visible share of the emulator's CPU. So random bytes are drawn from a pooled buffer filled
 * 4 KiB at a time with `randomFillSync` (the same CSPRNG), and each byte is handed out once.
 * `randomUUID()` already pools its entropy inside Node and is used as is.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/** `bytes` fresh random bytes as lower-case hex (`2 * bytes` characters); at most 256 bytes. */
export function randomHex(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 256) {
    throw new RangeError(`randomHex: bytes must be an integer from 1 to 256, got ${String(bytes)}`);
  }
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const start = used;
  used += bytes;
  return pool.toString('hex', start, used);
}

/** A request id: 32 lower-case hex characters, as the gateway's `X-Request-Id`. */
export function requestId(): string {
  return randomHex(16);
}
