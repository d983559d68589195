/**
 * The default transport: undici's public `Agent` (a keep-alive pool per origin), for programs
 * that make many calls. undici is required on the first request, so a program that imports the
 * package without calling the API (a synth) never loads it.
 *
 * The exchange is a dispatch handler (undici's public `Dispatcher.dispatch` API) that gathers
 * the body itself rather than `request()`: the answers here are small JSON documents (or none),
 * read whole, so a body stream, an async resource and an AbortSignal listener per request
 * would only add cost. Cancellation is a function handed to the caller (see guard.ts).
 */
import type { Agent, Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { asError, CancelExchange, closedError, decodeBody, HttpRequest, HttpResponse, Transport, TransportOptions } from './transport';

/** Gathers one response; settles its promise exactly once (answer, error or cancel). */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private length = 0;
  private settled = false;
  private cancelReason: unknown;

  constructor(
    private readonly resolve: (r: HttpResponse) => void,
    private readonly reject: (e: unknown) => void,
  ) {}

  /** See CancelExchange. */
  public readonly cancel: CancelExchange = (reason) => {
    if (this.settled) return;
    this.settled = true;
    this.cancelReason = reason;
    this.reject(reason);
    // Not yet written (waiting for a socket): onRequestStart aborts it.
    this.controller?.abort(asError(reason));
  };

  public onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.settled) {
      controller.abort(asError(this.cancelReason));
      return;
    }
    this.controller = controller;
  }

  public onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx answers are informational: the final one follows.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
  }

  public onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  public onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve({ status: this.status, headers: this.headers, text: decodeBody(this.chunks, this.length) });
  }

  public onResponseError(_c: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}

/** undici keep-alive pools, one per origin, behind one public `Agent`. */
export class UndiciTransport implements Transport {
  private agent: Agent | undefined;
  private closed = false;

  constructor(private readonly options: TransportOptions) {}

  public send(req: HttpRequest, bind?: (cancel: CancelExchange) => void): Promise<HttpResponse> {
    if (this.closed) return Promise.reject(closedError());
    const agent = this.open();
    return new Promise<HttpResponse>((resolve, reject) => {
      const exchange = new Exchange(resolve, reject);
      bind?.(exchange.cancel);
      agent.dispatch(
        {
          origin: req.origin,
          method: req.method,
          path: req.path,
          headers: req.headers,
          body: req.body,
          // The caller's own timer bounds each attempt; undici's defaults (300 s) must not fire first.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        exchange,
      );
    });
  }

  public async close(): Promise<void> {
    this.closed = true;
    const agent = this.agent;
    this.agent = undefined;
    await agent?.close().catch(() => agent.destroy());
  }

  private open(): Agent {
    if (!this.agent) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: importing the client must not load undici
      const { Agent: AgentClass } = require('undici') as typeof import('undici');
      this.agent = new AgentClass({ connections: this.options.connections, keepAliveTimeout: 4_000, pipelining: 1 });
    }
    return this.agent;
  }
}
