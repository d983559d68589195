/** Small helpers for benchmarks that compare two things measured side by side in one run. */
import { spawn } from 'node:child_process';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/**
 * Runs `a` and `b` alternately `rounds` times (after one warm-up each) and returns the samples,
 * so both see the same machine conditions.
 */
export async function interleave(rounds: number, a: () => Promise<number>, b: () => Promise<number>): Promise<{ a: number[]; b: number[] }> {
  await a();
  await b();
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      out.a.push(await a());
      out.b.push(await b());
    } else {
      out.b.push(await b());
      out.a.push(await a());
    }
  }
  return out;
}

/** Wall time of a child process from spawn to exit; rejects on a non-zero exit. */
export function timeSpawn(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`));
    });
  });
}

/** Starts a node script as a server child; resolves with its URL from the first stdout line. */
export function startServerProcess(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ url: string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    const onData = (d: string) => {
      buf += d;
      const m = /listening on (http:\/\/\S+)/.exec(buf);
      if (m) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({
          url: m[1],
          stop: () => new Promise<void>((r) => { child.once('close', () => r()); child.kill('SIGTERM'); }),
        });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`server exited early (${code}): ${buf}`)));
  });
}

export function ratioLine(label: string, a: number[], b: number[], unit: (v: number) => string, goal: string): string {
  const ma = median(a);
  const mb = median(b);
  return `${label}: ${unit(ma)} vs ${unit(mb)} -> ratio ${(ma / mb).toFixed(2)} (${goal}; ${a.length} interleaved samples each, medians)`;
}
