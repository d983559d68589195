/** The jest set-up's staleness check of the hook bundle (test/support/hook-bundle.ts). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { staleReason } from './hook-bundle';

describe('hook bundle staleness', () => {
  let root: string;
  const bundle = (): string => path.join(root, 'lib', 'hook', 'bundle.js');
  const touch = (rel: string, mtimeSeconds: number): void => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '// x\n');
    fs.utimesSync(file, mtimeSeconds, mtimeSeconds);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hook-bundle-'));
    touch('src/cli/bin.ts', 1000);
    touch('src/client/deep/client.ts', 1000);
    touch('src/emulator/server.ts', 5000);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('asks for a bundle when there is none', () => {
    expect(staleReason(root, bundle(), ['src/cli', 'src/client'])).toBe('lib/hook/bundle.js is missing');
  });

  it('is current when the bundle is newer than every source of the hook path (other folders do not count)', () => {
    touch('lib/hook/bundle.js', 2000);
    expect(staleReason(root, bundle(), ['src/cli', 'src/client'])).toBeUndefined();
  });

  it('names the newest source that is newer than the bundle, in any depth', () => {
    touch('lib/hook/bundle.js', 2000);
    touch('src/client/deep/client.ts', 3000);
    expect(staleReason(root, bundle(), ['src/cli', 'src/client'])).toBe('lib/hook/bundle.js is older than src/client/deep/client.ts');
  });
});
