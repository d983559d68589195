/**
 * Emulator durability: `vbs-backup emulator --state-file F` in a child process, killed with
 * SIGKILL while creates are in flight. On restart the file loads (valid JSON) and every policy
 * whose create was acknowledged before the kill is there. Two kill/restart rounds.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN, PROJECT, SCHEDULE, waitUntil } from './support';

jest.setTimeout(60_000);

const TOKEN = 'durability-token-0123456789';
const WRITERS = 4;
/** Acknowledged creates per round before the kill (two rounds stay under the 32-policy quota). */
const ACKS_PER_ROUND = 10;

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

async function startChild(stateFile: string): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--state-file', stateFile, '--token', TOKEN, '--project-id', PROJECT, '--job-seconds', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((r) => child.once('exit', (code, signal) => r(signal ?? code)));
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  await waitUntil(() => /listening on (http:\/\/\S+)/.test(out) || child.exitCode !== null, 10_000, `the emulator to listen (stderr: ${err})`);
  const m = /listening on (http:\/\/\S+)/.exec(out);
  if (!m) throw new Error(`the emulator did not start: ${err}`);
  return { child, url: m[1], exited };
}

async function create(url: string, name: string): Promise<string> {
  const res = await fetch(`${url}/v2/${PROJECT}/backuppolicy`, {
    method: 'POST',
    headers: { 'X-Auth-Token': TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ backup_policy_name: name, scheduled_policy: SCHEDULE }),
  });
  const body = (await res.json()) as { backup_policy_id?: string };
  if (res.status !== 200 || !body.backup_policy_id) throw new Error(`create ${name}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.backup_policy_id;
}

async function listIds(url: string): Promise<string[]> {
  const res = await fetch(`${url}/v2/${PROJECT}/backuppolicy`, { headers: { 'X-Auth-Token': TOKEN } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { backup_policies: { backup_policy_id: string }[] }).backup_policies.map((p) => p.backup_policy_id);
}

/** Creates from WRITERS loops until `acks` more are acknowledged, then SIGKILLs mid-flight. */
async function writeThenKill(run: Running, round: number, acked: string[]): Promise<number> {
  const target = acked.length + ACKS_PER_ROUND;
  let inFlight = 0;
  let killed = false;
  let n = 0;
  const writer = async (w: number): Promise<void> => {
    while (!killed) {
      inFlight++;
      try {
        const id = await create(run.url, `r${round}-w${w}-${n++}`);
        if (!killed) acked.push(id);
        if (acked.length >= target && !killed) {
          killed = true;
          run.child.kill('SIGKILL');
        }
      } catch {
        // A request cut by the kill: neither acknowledged nor required to exist.
        return;
      } finally {
        inFlight--;
      }
    }
  };
  const loops = Array.from({ length: WRITERS }, (_, w) => writer(w));
  const signal = await run.exited;
  await Promise.all(loops);
  expect(signal).toBe('SIGKILL');
  return inFlight;
}

test(`SIGKILL during writes, twice: the state file stays valid and keeps every acknowledged create`, async () => {
  expect(fs.existsSync(BIN)).toBe(true);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-durability-'));
  const stateFile = path.join(dir, 'state.json');
  const acked: string[] = [];
  const children: Running[] = [];
  try {
    for (let round = 1; round <= 2; round++) {
      const run = await startChild(stateFile);
      children.push(run);
      // Everything acknowledged in earlier rounds survived the previous kill.
      expect(await listIds(run.url)).toEqual(expect.arrayContaining(acked));
      await writeThenKill(run, round, acked);
      const text = fs.readFileSync(stateFile, 'utf8');
      expect(() => JSON.parse(text)).not.toThrow();
    }
    const last = await startChild(stateFile);
    children.push(last);
    const ids = await listIds(last.url);
    expect(acked.length).toBeGreaterThanOrEqual(2 * ACKS_PER_ROUND);
    expect(ids).toEqual(expect.arrayContaining(acked));
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);
  } finally {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
