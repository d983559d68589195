/**
 * One emulator for a client test file, accepting a token, an access key and a password login
 * (`emu-token`; `EMUAK`/`EMU-SECRET-KEY`; alice/EMU-PASSWORD in domain acme): started before the
 * file's tests, reset after each test (the clients a test made closed first), stopped after all.
 */
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
