/**
 * One emulator for a client test file, accepting a token, an access key and a password login
 * (`emu-token`; `EMUAK`/`EMU-SECRET-KEY`; alice/EMU-PASSWORD in domain acme): started before the
 * file's tests, reset after each test (the clients a test made closed first), stopped after all.
 */
import { createServer, request as httpRequest, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { Emulator, startEmulator } from '../../src/emulator';
import type { Closable } from './http-server';

/** Registers the file's hooks; `started` receives the emulator. Returns the array a test pushes its clients to. */
export function emulatorForFile<C extends Closable>(started: (emulator: Emulator) => void): C[] {
  const clients: C[] = [];
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({
      jobSeconds: 0.3,
      tokens: ['emu-token'],
      accessKeys: [{ accessKey: 'EMUAK', secretKey: 'EMU-SECRET-KEY' }],
      users: [{ userName: 'alice', password: 'EMU-PASSWORD', domainName: 'acme' }],
    });
    started(emulator);
  });
  afterAll(() => emulator?.stop());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    emulator?.reset();
  });
  return clients;
}

/** A request as the recording proxy received it. */
export interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * For a describe block: an emulator that accepts only the access key `access`, behind a proxy on
 * loopback that records each request and forwards it as received (Host included, so the
 * emulator checks the client's signature too). Started before the block's tests, stopped after
 * them; `started` receives the proxy's endpoint and the emulator. Returns the recorded requests.
 */
export function recordingProxyForBlock(
  access: { accessKey: string; secretKey: string; projectId: string },
  started: (p: { endpoint: string; emulator: Emulator }) => void,
): Captured[] {
  const captured: Captured[] = [];
  let emulator: Emulator | undefined;
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      captured.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString('utf8') });
      const upstream = httpRequest((emulator as Emulator).url + (req.url ?? ''), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', (e) => { res.writeHead(599); res.end(String(e)); });
      upstream.end(body);
    });
  });
  beforeAll(async () => {
    emulator = await startEmulator({ accessKeys: [access], jobSeconds: 0 });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    started({ endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, emulator });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => { proxy.closeAllConnections(); proxy.close(() => resolve()); });
    await emulator?.stop();
  });
  return captured;
}
