/**
 * README "From VBS to CBR", "Try it offline", followed line by line with the built CLI: the
 * emulator lines start `vbs-backup emulator` (on port 0 instead of 8787), `export` sets the
 * environment, `kill %1` stops the emulator, every other line runs as written; each line's
 * comment is the count this test checks. A line changed in the README without the test (or the
 * other way round) fails here.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliResult, baseEnv, buildCli, runCli } from './support';

const README = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
const DISKS = ['3c1f0d2a-5b6e-4f70-8a91-b2c3d4e5f601', '3c1f0d2a-5b6e-4f70-8a91-b2c3d4e5f602'];

/** The lines of the block after the marker, as written. */
function offlineLines(): string[] {
  const at = README.indexOf('<!-- vbs-to-cbr-offline -->');
  expect(at).toBeGreaterThan(README.indexOf('## From VBS to CBR'));
  const block = /```sh\n([\s\S]*?)```/.exec(README.slice(at))!;
  return block[1].trimEnd().split('\n');
}

/** What each command line must do, in order: the line's comment, and the check of that count. */
const STEPS: { comment: string; check: (r: CliResult) => void }[] = [
  {
    comment: '2 policies: default_policy, nightly-db with 2 volumes',
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^2 backup policies in project 0123456789abcdef0123456789abcdef$/m);
      expect(r.stdout).toMatch(/^\S+\s+default_policy\s/m);
      expect(r.stdout).toMatch(/^\S+\s+nightly-db\s.*\s2\s/m);
    },
  },
  {
    comment: '1 run: 2 jobs, EXECUTE_SUCCESS',
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^started a backup run of policy nightly-db \(id \S+\) in project \w+: 2 volumes$/m);
      expect(r.stderr).toMatch(/^all 2 jobs of the run finished$/m);
      for (const disk of DISKS) expect(r.stdout).toMatch(new RegExp(`^.*${disk}.*EXECUTE_SUCCESS`, 'm'));
    },
  },
  {
    comment: '1 policy: default_policy (nightly-db is gone)',
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^1 backup policy in project \w+$/m);
      expect(r.stdout).not.toContain('nightly-db');
    },
  },
  {
    comment: "exit 1: no backup policy named 'nightly-db'",
    check: (r) => {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: no backup policy named 'nightly-db' in project \w+ at http:\/\/127\.0\.0\.1:\d+$/m);
    },
  },
  {
    comment: '1 vault: nightly-db with 2 disks',
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^1 vault in project \w+$/m);
      expect(r.stdout).toMatch(/^\S+\s+nightly-db\s+disk\s.*\s2$/m);
    },
  },
  {
    comment: '1 checkpoint: 2 backups, available',
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr.match(/^made checkpoint /gm)).toHaveLength(1);
      expect(r.stderr).toMatch(/^all 2 backups available$/m);
      for (const disk of DISKS) expect(r.stdout).toMatch(new RegExp(`^\\S+\\s+${disk}\\s+available\\s`, 'm'));
    },
  },
];

/** Starts `vbs-backup emulator ...args` and resolves with the URL of its first line. */
function startEmulator(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [buildCli().bin, 'emulator', ...args], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the emulator exited with ${code}: ${stderr}`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const first = /^listening on (http:\/\/\S+)\n/.exec(stdout);
      if (first) resolve({ child, url: first[1] });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Ends the emulator's running jobs and backups when the command says it waits for them (no sleeping on the job time). */
function finishWhenWaiting(url: string): (line: string) => void {
  return (line) => {
    if (/^waiting up to \d+ s for the (jobs of the run|backups to be final)$/.test(line)) {
      void fetch(`${url}/__emulator/finish-jobs`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    }
  };
}

test('README "From VBS to CBR", Try it offline: each line, as written, gives the count its comment states', async () => {
  const lines = offlineLines();
  const emulators: ChildProcess[] = [];
  let env: Record<string, string> = baseEnv();
  let url = '';
  let step = 0;
  try {
    for (const line of lines) {
      const [command, comment] = line.split(/\s+#\s+/);
      const words = command.trim().split(/\s+/);
      if (words[0] === 'npx' && words[2] === 'emulator') {
        expect(words[words.length - 1]).toBe('&');
        const args = words.slice(3, -1).map((w) => (w === '8787' ? '0' : w));
        const started = await startEmulator(args);
        emulators.push(started.child);
        url = started.url;
        env = { ...env, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v.includes('127.0.0.1')).map(([k]) => [k, url])) };
      } else if (words[0] === 'export') {
        const vars = Object.fromEntries(words.slice(1).map((w) => w.split('=') as [string, string]));
        expect(vars).toEqual({
          VBS_ENDPOINT: 'http://127.0.0.1:8787', CBR_ENDPOINT: 'http://127.0.0.1:8787', HW_AUTH_TOKEN: 'demo-token', HW_PROJECT_ID: '0123456789abcdef0123456789abcdef',
        });
        env = { ...env, ...vars, VBS_ENDPOINT: url, CBR_ENDPOINT: url };
      } else if (command.trim() === 'kill %1') {
        await stop(emulators[0]);
      } else {
        expect(words.slice(0, 2)).toEqual(['npx', 'vbs-backup']);
        expect(comment).toBe(STEPS[step]?.comment);
        const r = await runCli(words.slice(2), env, { onStderrLine: finishWhenWaiting(url) });
        try {
          STEPS[step].check(r);
        } catch (err) {
          throw new Error(`README line "${line.trim()}": ${(err as Error).message}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
        }
        step++;
      }
    }
    expect(step).toBe(STEPS.length);
    expect(emulators).toHaveLength(2);
  } finally {
    for (const child of emulators) await stop(child);
  }
});
