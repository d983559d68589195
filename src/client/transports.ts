/**
 * Makes a transport, requiring only the module of the one picked (transport.ts says why). Apart
 * from the seam itself so that the transports, which import the seam, are not imported back.
 */
import type { Transport, TransportOptions, VbsTransport } from './transport';

/** Makes the transport `kind`, loading only its module. */
export function createTransport(kind: VbsTransport, options: TransportOptions): Transport {
  if (kind === 'node-http') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: a hook must not load undici, a program not node:http's agent
    return new (require('./transport-node') as typeof import('./transport-node')).NodeHttpTransport(options);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: a hook must not load undici, a program not node:http's agent
  return new (require('./transport-undici') as typeof import('./transport-undici')).UndiciTransport(options);
}
