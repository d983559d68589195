/**
 * The shortcuts of the emulator's hot path answer exactly like the plain computations they
 * replace: job lists read from the stored order (and sorted when the store is out of order),
 * "is a run going" from the latest job per duration, final jobs from kept JSON, bodyless
 * requests without waiting for the stream, the request log as a bounded ring.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { Emulator, startEmulator } from '../../src/emulator';
import { MAX_JOBS_PER_POLICY } from '../../src/emulator/store';
import { MAX_LOG_ENTRIES } from '../../src/emulator/control';
import { PROJECT, TOKEN, associate, call, code, createPolicy } from './helpers';

interface Job { job_id: string; status: string; created_at: string; finished_at?: string }
const WIRE_KEYS = ['job_id', 'status', 'created_at', 'backup_name', 'resource_id', 'resource_type', 'vbs_job_id', 'finished_at'];

describe('emulator hot path', () => {
  const running: Emulator[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((em) => em.stop()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const start = async (options = {}) => {
    const em = await startEmulator({ jobSeconds: 0, ...options });
    running.push(em);
    return em;
  };
  const exec = (em: Emulator, id: string) => call(em, 'POST', `/v2/${PROJECT}/backuppolicy/${id}/action`);
  const tasks = (em: Emulator, id: string, query = '') => call(em, 'GET', `/v2/${PROJECT}/backuppolicy/${id}/backuptasks${query}`);
  const jobIds = (r: { json: { tasks: Job[] } }) => r.json.tasks.map((t) => t.job_id);

  /** An emulator whose one policy holds `jobs` (created, duration) in this stored order. */
  async function withStoredJobs(jobs: Array<{ created: number; duration: number }>): Promise<{ em: Emulator; id: string; stored: string[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'vbs-hot-'));
    dirs.push(dir);
    const file = join(dir, 'state.json');
    const first = await start({ stateFile: file });
    const id = await createPolicy(first);
    await associate(first, id, ['vol-1']);
    await first.stop();
    const state = JSON.parse(readFileSync(file, 'utf8'));
    const policy = state.projects[PROJECT].find((p: { id: string }) => p.id === id);
    const stored = jobs.map((_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    policy.jobs = jobs.map((j, i) => ({
      job_id: stored[i], vbs_job_id: 'f'.repeat(32), backup_name: 'autobk_0000', resource_id: 'vol-1', created: j.created, duration: j.duration, final: 'EXECUTE_SUCCESS',
    }));
    writeFileSync(file, JSON.stringify(state));
    return { em: await start({ stateFile: file }), id, stored };
  }

  test('jobs stored out of creation order are listed by creation time, ties in stored order, both directions', async () => {
    const t = Date.now() - 60_000;
    const created = [t + 30, t + 10, t + 20, t + 10, t + 40, t];
    const { em, id, stored } = await withStoredJobs(created.map((c) => ({ created: c, duration: 0 })));
    const asc = stored.map((s, i) => ({ s, c: created[i], i })).sort((a, b) => a.c - b.c || a.i - b.i).map((x) => x.s);
    expect(jobIds(await tasks(em, id, '?sort_dir=asc'))).toEqual(asc);
    expect(jobIds(await tasks(em, id))).toEqual([...asc].reverse());
    expect(jobIds(await tasks(em, id, `?marker=${asc[4]}&limit=2`))).toEqual([asc[3], asc[2]]);
    expect(jobIds(await tasks(em, id, '?sort_dir=asc&offset=2&limit=3'))).toEqual(asc.slice(2, 5));
    expect((await tasks(em, id, '?limit=1')).json.count).toBe(6);
    // A new run (created now) goes after all of them.
    expect((await exec(em, id)).status).toBe(204);
    const after = await tasks(em, id, '?sort_dir=asc');
    expect(jobIds(after).slice(0, 6)).toEqual(asc);
    expect(after.json.count).toBe(7);
  });

  test('an older job with a longer duration still running makes execute 409 although the newest job is final', async () => {
    const now = Date.now();
    const { em, id } = await withStoredJobs([{ created: now - 1_000_000, duration: 3_600_000 }, { created: now - 500, duration: 0 }]);
    const busy = await exec(em, id);
    expect(busy.status).toBe(409);
    expect(code(busy)).toBe('AutoBackup.0225');
    expect((await tasks(em, id, '?status=RUNNING')).json.count).toBe(1);
  });

  test('jobs whose durations have all passed do not block an execute', async () => {
    const now = Date.now();
    const { em, id } = await withStoredJobs([{ created: now - 10_000, duration: 5000 }, { created: now - 3000, duration: 1000 }, { created: now - 2000, duration: 0 }]);
    expect((await exec(em, id)).status).toBe(204);
    expect(em.jobs(PROJECT, id)).toHaveLength(4);
  });

  test(`past ${MAX_JOBS_PER_POLICY} jobs the oldest are dropped; lists, counts and order stay right`, async () => {
    const em = await start();
    const id = await createPolicy(em);
    await associate(em, id, ['vol-1', 'vol-2', 'vol-3', 'vol-4', 'vol-5']);
    const agent = new Agent({ connections: 8 });
    try {
      const runs = MAX_JOBS_PER_POLICY / 5 + 3;
      for (let i = 0; i < runs; i++) {
        const r = await request(`${em.url}/v2/${PROJECT}/backuppolicy/${id}/action`, { method: 'POST', dispatcher: agent, headers: { 'x-auth-token': TOKEN } });
        await r.body.dump();
        expect(r.statusCode).toBe(204);
      }
    } finally {
      await agent.close();
    }
    expect(em.executeCount(id)).toBe(MAX_JOBS_PER_POLICY / 5 + 3);
    const all = em.jobs(PROJECT, id).map((j) => j.job_id);
    expect(all).toHaveLength(MAX_JOBS_PER_POLICY);
    const newest = await tasks(em, id, '?limit=1000');
    expect(newest.json.count).toBe(MAX_JOBS_PER_POLICY);
    expect(jobIds(newest)).toEqual([...all].reverse());
    expect(jobIds(await tasks(em, id, '?sort_dir=asc&limit=7&offset=993'))).toEqual(all.slice(993));
  });

  test('list text is what JSON.stringify gives, final jobs included, keys in wire order', async () => {
    const em = await start();
    const id = await createPolicy(em);
    await associate(em, id, ['vol-1', 'vol-2']);
    em.addFault({ operation: 'executePolicy', jobStatus: 'EXECUTE_TIMEOUT', failReason: 'took too long' });
    expect((await exec(em, id)).status).toBe(204);
    expect((await exec(em, id)).status).toBe(204);
    for (let i = 0; i < 2; i++) {
      // Twice: the second answer comes from the kept JSON of the final jobs.
      const r = await tasks(em, id);
      expect(r.text).toBe(JSON.stringify(r.json));
      expect(r.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      expect(r.json.count).toBe(4);
      expect(Object.keys(r.json.tasks[0])).toEqual(WIRE_KEYS);
      expect(r.json.tasks.map((x: Job) => x.status)).toEqual(['EXECUTE_SUCCESS', 'EXECUTE_SUCCESS', 'EXECUTE_TIMEOUT', 'EXECUTE_TIMEOUT']);
      expect(r.json.tasks[3]).toMatchObject({ fail_reason: 'took too long' });
      expect(r.json.tasks).toEqual(em.jobs(PROJECT, id).reverse());
    }
    expect((await tasks(em, id, '?limit=1&offset=10')).text).toBe('{"tasks":[],"count":4}');
  });

  test('bodyless and chunked requests on one keep-alive connection are each answered once, in order', async () => {
    const em = await start({ tokens: [TOKEN] });
    const id = await createPolicy(em);
    await associate(em, id, ['vol-1']);
    const base = `/v2/${PROJECT}/backuppolicy/${id}`;
    const raw = [
      `POST ${base}/action HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${TOKEN}\r\n\r\n`,
      `GET ${base}/backuptasks HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${TOKEN}\r\n\r\n`,
      `POST ${base}/action HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      `POST ${base}/action HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${TOKEN}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    ].join('');
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(em.port, '127.0.0.1', () => socket.write(raw));
      let got = '';
      socket.on('data', (d) => { got += d.toString('latin1'); });
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    expect([...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1])).toEqual(['204', '200', '204', '204']);
    const ids = [...text.matchAll(/^x-request-id: ([0-9a-f]+)\r$/gim)].map((m) => m[1]);
    expect(ids).toHaveLength(4);
    expect(ids.every((r) => /^[0-9a-f]{32}$/.test(r))).toBe(true);
    expect(new Set(ids).size).toBe(4);
    expect(em.executeCount(id)).toBe(3);
  });

  test(`the request log keeps the newest ${MAX_LOG_ENTRIES} entries; execute counts keep counting`, async () => {
    const em = await start();
    const id = await createPolicy(em);
    await associate(em, id, ['vol-1']);
    const extra = 25;
    const total = MAX_LOG_ENTRIES + extra;
    const agent = new Agent({ connections: 16 });
    let next = 0;
    try {
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < total) {
          const exec = next++ % 2 === 0;
          const url = `${em.url}/v2/${PROJECT}/backuppolicy/${id}/${exec ? 'action' : 'backuptasks?limit=1'}`;
          const r = await request(url, { method: exec ? 'POST' : 'GET', dispatcher: agent, headers: { 'x-auth-token': TOKEN } });
          await r.body.dump();
        }
      }));
    } finally {
      await agent.close();
    }
    const log = em.requests();
    expect(log).toHaveLength(MAX_LOG_ENTRIES);
    // create + associate came first: 2 + total requests, the oldest 2 + extra dropped.
    expect(log[0].seq).toBe(2 + extra + 1);
    expect(log[log.length - 1].seq).toBe(2 + total);
    expect(log.every((e, i) => i === 0 || e.seq === log[i - 1].seq + 1)).toBe(true);
    expect(em.executeCount(id)).toBe(Math.ceil(total / 2));
    expect(em.requests({ operation: 'executePolicy', policyId: id }).length + em.requests({ operation: 'listJobs' }).length).toBe(MAX_LOG_ENTRIES);
    expect(Date.parse(log[0].time)).toBeGreaterThan(Date.now() - 120_000);
    expect(log[0]).not.toHaveProperty('tagKey');
    em.reset();
    expect(em.requests()).toEqual([]);
  }, 60_000);
});
