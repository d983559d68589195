/**
 * The one-shot transport: node's own `http` / `https` with a keep-alive agent per scheme. The CLI
 * and the hook executor use it (src/cli/ports.ts): a hook process makes a handful of calls, and
 * node:http is already part of node's startup snapshot while undici is ~1 MB of JavaScript to
 * load and compile (docs/architecture.md ADR 8). `https` is loaded only for an https endpoint.
 */
import type * as http from 'node:http';
import { asError, CancelExchange, closedError, decodeBody, HttpRequest, HttpResponse, Transport, TransportOptions } from './transport';

type HttpModule = typeof import('node:http');

export class NodeHttpTransport implements Transport {
  private readonly agents = new Map<string, { module: HttpModule; agent: http.Agent }>();
  private closed = false;

  constructor(private readonly options: TransportOptions) {}

  public send(req: HttpRequest, bind?: (cancel: CancelExchange) => void): Promise<HttpResponse> {
    if (this.closed) return Promise.reject(closedError());
    const { module, agent } = this.agentFor(req.origin);
    const url = new URL(req.origin);
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown): void => {
        if (settled) return;
        settled = true;
        reject(e);
      };
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
      const request = module.request(
        {
          protocol: url.protocol,
          hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port,
          method: req.method,
          path: req.path,
          headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let length = 0;
          res.on('data', (c: Buffer) => {
            chunks.push(c);
            length += c.length;
          });
          res.on('end', () => {
            if (settled) return;
            settled = true;
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text: decodeBody(chunks, length) });
          });
          res.on('error', fail);
          // Closed before the body was complete ('end' comes before 'close' otherwise).
          res.on('close', () => {
            if (!res.complete) fail(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' }));
          });
        },
      );
      request.on('error', fail);
      bind?.((reason) => {
        if (settled) return;
        fail(reason);
        request.destroy(asError(reason));
      });
      request.end(req.body);
    });
  }

  public async close(): Promise<void> {
    this.closed = true;
    for (const { agent } of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private agentFor(origin: string): { module: HttpModule; agent: http.Agent } {
    const scheme = origin.startsWith('https:') ? 'https' : 'http';
    let entry = this.agents.get(scheme);
    if (!entry) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- only the scheme in use is loaded (node:https is the larger one)
      const module = (scheme === 'https' ? require('node:https') : require('node:http')) as HttpModule;
      // At most `connections` sockets per origin; beyond that calls wait for a free one, so a
      // one-shot process (connections 1) sends all its calls over a single socket.
      const agent = new module.Agent({ keepAlive: true, maxSockets: this.options.connections, scheduling: 'lifo' });
      entry = { module, agent };
      this.agents.set(scheme, entry);
    }
    return entry;
  }
}
