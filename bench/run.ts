/**
 * `npm run bench [-- NAME...]`: the quality bars (README "Performance"), each as a ratio of two things
 * measured side by side (interleaved) in this one run, with medians. Names: cold-start, client,
 * cbr-client, synth, vault-synth, emulator, apply, busy-wait (not a ratio: the wait overhead for a busy policy). Nothing here asserts; the numbers go into the README and issue notes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, DataResource, LocalBackend, TerraformResource, TerraformStack } from 'cdktf';
import { request, Agent } from 'undici';
import { BackupPolicy, BackupPolicyTrigger, BackupVault, HookResource, Retention, Schedule } from 'cdktf-vbs-backup';
import { CbrClient, Credentials, VbsClient } from 'cdktf-vbs-backup/client';
import { startEmulator } from 'cdktf-vbs-backup/emulator';
import { Terraform } from '../examples/support/terraform';
import { StackBuilder, synthStack } from '../examples/support/synth';
import { fmt, interleave, median, ratioLine, startServerProcess, timeSpawn } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'lib', 'cli', 'bin.js');
const HOOK = path.join(ROOT, 'lib', 'hook', 'vbs-backup-hook.js');
/** The portable runtime's launcher (HookRuntime.PORTABLE), shipped beside the executor. */
const LAUNCHER = path.join(ROOT, 'lib', 'hook', 'vbs-backup-hook.sh');
const PROJECT = '0123456789abcdef0123456789abcdef';
const TOKEN = 'bench-token';
const VOLUME = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

function print(line: string): void {
  process.stdout.write(line + '\n');
}

async function emulatorProcess(): Promise<{ url: string; stop: () => Promise<void> }> {
  return startServerProcess([CLI, 'emulator', '--port', '0', '--job-seconds', '0', '--token', TOKEN, '--project-id', PROJECT]);
}

async function makePolicies(url: string, count: number): Promise<string[]> {
  const client = new VbsClient({ endpoint: url, projectId: PROJECT, region: 'eu-de', credentials: Credentials.token(TOKEN) });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = await client.createPolicy({
      backup_policy_name: `bench-${i}`,
      scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
    });
    await client.associateVolumes(id, [VOLUME(i + 1)]);
    ids.push(id);
  }
  await client.close();
  return ids;
}

async function coldStart(): Promise<void> {
  const emu = await emulatorProcess();
  try {
    const [policyId] = await makePolicies(emu.url, 1);
    const env = { ...process.env, VBS_ENDPOINT: emu.url, HW_PROJECT_ID: PROJECT, HW_REGION_NAME: 'eu-de', HW_AUTH_TOKEN: TOKEN };
    const base = () => timeSpawn(process.execPath, ['-e', '']);
    // The file the constructs ship (a plain esbuild bundle; the client's node-http transport),
    // run as Terraform runs a policy trigger's hook: `node <executor> hook-trigger`, inputs in the environment.
    const triggerEnv = { ...env, VBS_HOOK_POLICY_ID: policyId };
    const hook = () => timeSpawn(process.execPath, [HOOK, 'hook-trigger'], triggerEnv);
    const cli = () => timeSpawn(process.execPath, [CLI, 'execute', '--policy-id', policyId], env);
    const h = await interleave(21, hook, base);
    print(ratioLine('policy hook cold start (shipped executor `hook-trigger` against the emulator, spawn to exit, vs node -e "")', h.a, h.b, fmt, 'goal <= 1.25'));
    // The portable runtime's launcher when it finds a node (this one, first on the PATH): what it
    // adds to starting a script, measured on an empty one (the hook's own time would only add noise).
    const nodeFirst = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` };
    const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-bench-launcher-'));
    const empty = path.join(emptyDir, 'empty.js');
    fs.writeFileSync(empty, '');
    const viaNode = () => timeSpawn(process.execPath, [empty, 'hook-trigger'], nodeFirst);
    const viaLauncher = () => timeSpawn('sh', [LAUNCHER, empty, 'hook-trigger'], nodeFirst);
    const l = await interleave(41, viaLauncher, viaNode);
    fs.rmSync(emptyDir, { recursive: true, force: true });
    print(`portable launcher overhead (\`sh vbs-backup-hook.sh <script> <command>\` finding node on the PATH vs \`node <script> <command>\`, an empty script): ` +
      `${fmt(median(l.a))} vs ${fmt(median(l.b))} -> +${fmt(median(l.a) - median(l.b))} (goal <= 15 ms; 41 interleaved samples each, medians)`);
    // The vault hook as Terraform runs it: a new run key each time, so each run makes a checkpoint.
    const [{ vaultId }] = await makeVaults(emu.url, 1, 9000);
    let runs = 0;
    const vaultHook = () => timeSpawn(process.execPath, [HOOK, 'hook-backup'], {
      ...env, CBR_ENDPOINT: emu.url, VBS_HOOK_VAULT_ID: vaultId, VBS_HOOK_TRIGGER_ID: '0123456789ab', VBS_HOOK_LABEL: 'bench',
      VBS_HOOK_RUN: (runs++).toString(16).padStart(8, '0'),
    });
    const v = await interleave(21, vaultHook, base);
    print(ratioLine('vault hook cold start (shipped executor `hook-backup` of a vault, one checkpoint each, vs node -e "")', v.a, v.b, fmt, 'goal <= 1.25'));
    const c = await interleave(11, cli, base);
    print(ratioLine('  same with the unbundled CLI lib/cli/bin.js', c.a, c.b, fmt, 'informational'));
  } finally {
    await emu.stop();
  }
}

async function client(): Promise<void> {
  const emu = await emulatorProcess();
  try {
    const ids = await makePolicies(emu.url, 16);
    const total = 2000;
    const concurrency = 16;
    const options = { endpoint: emu.url, projectId: PROJECT, region: 'eu-de', credentials: Credentials.token(TOKEN), connections: concurrency };
    // The default transport (undici's public Agent), and the node-http one the CLI uses.
    const vbs = new VbsClient(options);
    const vbsNode = new VbsClient({ ...options, transport: 'node-http' });
    const agent = new Agent({ connections: concurrency });
    const run = async (call: (policyId: string) => Promise<void>): Promise<number> => {
      let next = 0;
      const t0 = process.hrtime.bigint();
      await Promise.all(Array.from({ length: concurrency }, async (_, w) => {
        while (next < total) {
          next++;
          await call(ids[w]);
        }
      }));
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const viaClient = (c: VbsClient) => () => run(async (id) => { await c.executePolicy(id); });
    const viaUndici = () => run(async (id) => {
      const r = await request(`${emu.url}/v2/${PROJECT}/backuppolicy/${id}/action`, {
        method: 'POST', dispatcher: agent, headers: { 'x-auth-token': TOKEN, 'content-type': 'application/json' },
      });
      await r.body.dump();
      if (r.statusCode !== 204) throw new Error(`execute returned ${r.statusCode}`);
    });
    const s = await interleave(7, viaClient(vbs), viaUndici);
    print(ratioLine(`client overhead (${total} executes, concurrency ${concurrency}: VbsClient default transport vs raw undici.request)`, s.a, s.b, fmt, 'goal <= 1.1'));
    const n = await interleave(5, viaClient(vbsNode), viaUndici);
    print(ratioLine('  same with the node-http transport (the CLI\'s) vs raw undici.request', n.a, n.b, fmt, 'informational'));
    await vbs.close();
    await vbsNode.close();
    await agent.close();
  } finally {
    await emu.stop();
  }
}

/** `count` disk vaults of one volume each (made through the API, as a user would). */
async function makeVaults(url: string, count: number, first = 0): Promise<{ vaultId: string; resourceId: string }[]> {
  const client = new CbrClient({ endpoint: url, projectId: PROJECT, region: 'eu-de', credentials: Credentials.token(TOKEN) });
  const out: { vaultId: string; resourceId: string }[] = [];
  for (let i = first; i < first + count; i++) {
    const resourceId = VOLUME(1000 + i);
    const vault = await client.createVault({
      vault: {
        name: `bench-vault-${i}`, resources: [{ id: resourceId, type: 'OS::Cinder::Volume' }],
        billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 },
      },
    });
    out.push({ vaultId: vault.id, resourceId });
  }
  await client.close();
  return out;
}

/**
 * CbrClient's "back up now" (`backupVault`: one named checkpoint per call, the no-duplicate and
 * busy logic armed) vs raw undici.request sending the same `POST /v3/{project}/checkpoints`.
 * Emulator job time 0: every backup is final at once, so no call meets a busy resource.
 */
async function cbrClient(): Promise<void> {
  const emu = await emulatorProcess();
  try {
    const concurrency = 16;
    const total = 2000;
    let made = 0;
    const cbr = new CbrClient({ endpoint: emu.url, projectId: PROJECT, region: 'eu-de', credentials: Credentials.token(TOKEN), connections: concurrency });
    const agent = new Agent({ connections: concurrency });
    const run = async (call: (v: { vaultId: string; resourceId: string }, n: number) => Promise<void>): Promise<number> => {
      // Fresh vaults for every run (not timed), so no run meets vaults filled by the runs before it.
      const vaults = await makeVaults(emu.url, concurrency, made);
      made += concurrency;
      let next = 0;
      const t0 = process.hrtime.bigint();
      await Promise.all(Array.from({ length: concurrency }, async (_, w) => {
        while (next < total) {
          await call(vaults[w], next++);
        }
      }));
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const viaClient = () => run(async (v) => {
      await cbr.backupVault(v.vaultId, { resourceIds: [v.resourceId], name: 'bench' });
    });
    const viaUndici = () => run(async (v, n) => {
      const body = JSON.stringify({
        checkpoint: { vault_id: v.vaultId, parameters: { name: `bench-raw-${n.toString(16).padStart(6, '0')}`, incremental: true, resources: [v.resourceId] } },
      });
      const r = await request(`${emu.url}/v3/${PROJECT}/checkpoints`, {
        method: 'POST', dispatcher: agent, headers: { 'x-auth-token': TOKEN, 'content-type': 'application/json' }, body,
      });
      const text = await r.body.text();
      if (r.statusCode !== 200) throw new Error(`checkpoint returned ${r.statusCode}: ${text}`);
      JSON.parse(text);
    });
    const s = await interleave(7, viaClient, viaUndici);
    print(ratioLine(`CBR client overhead (${total} checkpoints, concurrency ${concurrency}: CbrClient.backupVault vs raw undici.request POST /checkpoints)`, s.a, s.b, fmt, 'goal <= 1.1'));
    await cbr.close();
    await agent.close();
  } finally {
    await emu.stop();
  }
}

/**
 * Build + synth of one stack in a fresh app whose hooks are `kind` (the context key): wall
 * ms returned, CPU ms (user + system of this process, less sensitive to a loaded machine)
 * pushed to `cpu` when given.
 */
function timeSynth(kind: HookResource, build: (stack: TerraformStack) => void, cpu?: number[]): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-bench-synth-'));
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir, context: { 'cdktf-vbs-backup:hookResource': kind } });
  const stack = new TerraformStack(app, 'bench');
  new LocalBackend(stack, { path: 'terraform.tfstate' });
  build(stack);
  app.synth();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const used = process.cpuUsage(c0);
  cpu?.push((used.user + used.system) / 1000);
  fs.rmSync(outdir, { recursive: true, force: true });
  return ms;
}

/** Hook resources per policy + trigger pair: the policy's resource, its Volumes resource, the trigger's run. */
const HOOKS_PER_PAIR = 3;

/** `n` managed policies, each with a volume, and a trigger of each. */
function policiesAndTriggers(n: number) {
  return (stack: TerraformStack) => {
    for (let i = 0; i < n; i++) {
      const policy = new BackupPolicy(stack, `P${i}`, {
        policyName: `p-${i}`, schedule: Schedule.daily(['02:00']), retention: Retention.count(7), volumeIds: [VOLUME(i + 1)],
      });
      new BackupPolicyTrigger(stack, `T${i}`, { policy });
    }
  };
}

/** `n` vault triggers, each on one resource of its own vault (by id): a construct per vault too, the worst case. */
function vaultTriggers(n: number, vaults = n) {
  return (stack: TerraformStack) => {
    const all = Array.from({ length: vaults }, (_, v) => BackupVault.fromVaultId(stack, `V${v}`, VOLUME(n + v + 1)));
    for (let i = 0; i < n; i++) {
      all[i % vaults].addTrigger(`T${i}`, { resourceIds: [VOLUME(i + 1)] });
    }
  };
}

/** `n` triggers of existing policies (by id): one hook resource each, as a vault trigger. */
function policyTriggers(n: number) {
  return (stack: TerraformStack) => {
    for (let i = 0; i < n; i++) BackupPolicy.fromPolicyId(stack, `P${i}`, VOLUME(n + i + 1)).addTrigger('T');
  };
}

/**
 * The vault trigger's bar (issue 16): build + synth of 500 vault triggers (one hook resource
 * each) vs as many bare hook resources, per resource, as the policy triggers' bar above.
 */
async function vaultSynth(): Promise<void> {
  const n = 500;
  for (const kind of [HookResource.TERRAFORM_DATA, HookResource.NULL_RESOURCE]) {
    const cpuLib: number[] = [];
    const cpuBare: number[] = [];
    const s = await interleave(
      7,
      async () => timeSynth(kind, vaultTriggers(n), cpuLib),
      async () => timeSynth(kind, bareHooks(kind, n), cpuBare),
    );
    print(ratioLine(`build + synth, ${kind}: ${n} vault triggers vs ${n} bare ${kind} hooks (the same number of resources)`, s.a, s.b, fmt, 'goal <= 1.5'));
    print(ratioLine('  same, CPU time of the process', cpuLib.slice(1), cpuBare.slice(1), fmt, 'goal <= 1.5'));
    const fewVaults = await interleave(5, async () => timeSynth(kind, vaultTriggers(n, 10)), async () => timeSynth(kind, bareHooks(kind, n)));
    print(ratioLine(`  same, the ${n} triggers on 10 vaults`, fewVaults.a, fewVaults.b, fmt, 'informational'));
    const policies = await interleave(5, async () => timeSynth(kind, policyTriggers(n)), async () => timeSynth(kind, bareHooks(kind, n)));
    print(ratioLine(`  for comparison: ${n} policy triggers (of existing policies) vs ${n} bare ${kind} hooks`, policies.a, policies.b, fmt, 'informational'));
  }
}

/**
 * The same shape of work without the library: `n` plain `TerraformResource`s of type `kind`,
 * each with triggers and a local-exec provisioner.
 */
function bareHooks(kind: HookResource, n: number) {
  const triggers = kind === HookResource.TERRAFORM_DATA ? 'triggers_replace' : 'triggers';
  return (stack: TerraformStack) => {
    for (let i = 0; i < n; i++) {
      const hook = new TerraformResource(stack, `H${i}`, {
        terraformResourceType: kind,
        provisioners: [{ type: 'local-exec', command: 'run', interpreter: ['node', 'hook.js'], environment: { VBS_HOOK_POLICY_NAME: `p-${i}` } }],
      });
      hook.addOverride(triggers, { policy: `p-${i}` });
    }
  };
}

async function synth(): Promise<void> {
  const pairs = 500;
  for (const kind of [HookResource.TERRAFORM_DATA, HookResource.NULL_RESOURCE]) {
    const cpuLib: number[] = [];
    const cpuBare: number[] = [];
    const s = await interleave(
      7,
      async () => timeSynth(kind, policiesAndTriggers(pairs), cpuLib),
      async () => timeSynth(kind, bareHooks(kind, pairs * HOOKS_PER_PAIR), cpuBare),
    );
    print(ratioLine(
      `build + synth, ${kind}: ${pairs} policies (1 volume each) + ${pairs} triggers vs ${pairs * HOOKS_PER_PAIR} bare ${kind} hooks (the same number of resources)`,
      s.a, s.b, fmt, 'goal <= 1.5',
    ));
    // interleave() runs each once first to warm up: not a sample.
    print(ratioLine('  same, CPU time of the process', cpuLib.slice(1), cpuBare.slice(1), fmt, 'goal <= 1.5'));
    const perConstruct = await interleave(3, async () => timeSynth(kind, policiesAndTriggers(pairs)), async () => timeSynth(kind, bareHooks(kind, 2 * pairs)));
    print(ratioLine(`  same vs ${2 * pairs} bare ${kind} hooks (one per construct)`, perConstruct.a, perConstruct.b, fmt, 'informational'));
    const growth: string[] = [];
    for (const n of [100, 250, 500]) {
      const t: number[] = [];
      for (let i = 0; i < 3; i++) t.push(timeSynth(kind, policiesAndTriggers(n)));
      growth.push(`${n}+${n}: ${fmt(median(t))} (${(median(t) / n).toFixed(2)} ms per pair)`);
    }
    print(`  growth, ${kind}: ${growth.join(', ')}`);
  }
}

async function loadRate(url: string, policyId: string, seconds: number): Promise<number> {
  const agent = new Agent({ connections: 32 });
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: 32 }, async (_, w) => {
    let i = w;
    while (Date.now() < deadline) {
      const exec = i++ % 2 === 0;
      const r = await request(exec ? `${url}/v2/${PROJECT}/backuppolicy/${policyId}/action` : `${url}/v2/${PROJECT}/backuppolicy/${policyId}/backuptasks?limit=10`, {
        method: exec ? 'POST' : 'GET', dispatcher: agent, headers: { 'x-auth-token': TOKEN },
      });
      await r.body.dump();
      done++;
    }
  }));
  await agent.close();
  return done / seconds;
}

async function emulator(): Promise<void> {
  const emu = await emulatorProcess();
  const bare = await startServerProcess([path.join(ROOT, 'build', 'bench', 'bare-server.js')]);
  try {
    const [policyId] = await makePolicies(emu.url, 1);
    const s = await interleave(5, () => loadRate(emu.url, policyId, 2), () => loadRate(bare.url, policyId, 2));
    print(ratioLine('emulator request rate (execute + list jobs, 32 connections) vs bare node:http 204', s.a, s.b, (v) => `${v.toFixed(0)} req/s`, 'goal >= 0.9'));
  } finally {
    await emu.stop();
    await bare.stop();
  }
}

async function apply(): Promise<void> {
  const em = await startEmulator({ tokens: [{ token: TOKEN, projectId: PROJECT }], jobSeconds: 0 });
  const dirs: string[] = [];
  try {
    const [policyId] = await makePolicies(em.url, 1);
    const synthTo = (name: string, build: StackBuilder): string => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-bench-apply-'));
      dirs.push(outdir);
      return synthStack(outdir, name, build);
    };
    const withLib = synthTo('lib', (stack) => {
      const policy = BackupPolicy.fromPolicyId(stack, 'Policy', policyId);
      for (let i = 0; i < 50; i++) new BackupPolicyTrigger(stack, `T${i}`, { policy, hookResource: HookResource.TERRAFORM_DATA });
    });
    const bare = synthTo('bare', (stack) => {
      for (let i = 0; i < 50; i++) {
        new DataResource(stack, `H${i}`, { provisioners: [{ type: 'local-exec', command: '0', interpreter: ['node', '-e'] }] });
      }
    });
    const env = { VBS_ENDPOINT: em.url, HW_PROJECT_ID: PROJECT, HW_REGION_NAME: 'eu-de', HW_AUTH_TOKEN: TOKEN };
    const tfLib = new Terraform(withLib, env);
    const tfBare = new Terraform(bare, env);
    for (const tf of [tfLib, tfBare]) {
      const r = await tf.init();
      if (r.code !== 0) throw new Error(r.output);
    }
    const once = (tf: Terraform) => async () => {
      fs.rmSync(path.join(tf.dir, 'terraform.tfstate'), { force: true });
      const t0 = process.hrtime.bigint();
      const r = await tf.apply(['-parallelism=10']);
      if (r.code !== 0) throw new Error(r.output);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const before = em.executeCount(policyId);
    const s = await interleave(3, once(tfLib), once(tfBare));
    const runs = em.executeCount(policyId) - before;
    print(ratioLine('terraform apply, 50 triggers vs 50 no-op local-exec hooks (parallelism 10)', s.a, s.b, fmt, `goal <= 1.5; ${runs} executes recorded for ${4 * 50} expected`));
    tfLib.dispose();
    tfBare.dispose();
  } finally {
    await em.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

/**
 * The wait for a busy policy (issue 11): a scheduled run of `seconds` is in progress when the
 * shipped executor's `execute` starts (default --when-busy wait). Measured: from the scheduled
 * run's last job going final (its creation + job time, the emulator's own rule) to our execute
 * reaching the emulator (the request log's arrival time), and the polls it took.
 */
async function busyWait(): Promise<void> {
  const runs = 20;
  const seconds = 3;
  const em = await startEmulator({ tokens: [{ token: TOKEN, projectId: PROJECT }], jobSeconds: 0 });
  try {
    const [policyId] = await makePolicies(em.url, 1);
    const env = { ...process.env, VBS_ENDPOINT: em.url, HW_PROJECT_ID: PROJECT, HW_REGION_NAME: 'eu-de', HW_AUTH_TOKEN: TOKEN };
    const overheads: number[] = [];
    const polls: number[] = [];
    for (let i = 0; i < runs; i++) {
      const seqBefore = em.requests().at(-1)?.seq ?? 0;
      const [job] = em.startScheduledRun(PROJECT, policyId, { jobSeconds: seconds });
      const finalAt = Date.parse(`${job.created_at}Z`) + seconds * 1000;
      await timeSpawn(process.execPath, [HOOK, 'execute', '--policy-id', policyId], env);
      const mine = em.requests({ policyId }).filter((r) => r.seq > seqBefore);
      const accepted = mine.find((r) => r.operation === 'executePolicy' && r.status === 204);
      if (!accepted) throw new Error(`run ${i}: no accepted execute`);
      overheads.push(Date.parse(accepted.time) - finalAt);
      polls.push(mine.filter((r) => r.operation === 'listJobs').length);
    }
    const sorted = [...overheads].sort((a, b) => a - b);
    print(`busy wait overhead (scheduled run of ${seconds} s in progress, ${runs} runs of the shipped executor's execute, default --when-busy wait): ` +
      `last job final -> our execute at the emulator: min ${fmt(sorted[0])}, median ${fmt(median(sorted))}, max ${fmt(sorted[sorted.length - 1])}; ` +
      `polls per wait: median ${median(polls)}, max ${Math.max(...polls)}`);
  } finally {
    await em.stop();
  }
}

const BENCHES: Record<string, () => Promise<void>> = { 'cold-start': coldStart, client, 'cbr-client': cbrClient, synth, 'vault-synth': vaultSynth, emulator, apply, 'busy-wait': busyWait };

async function main(): Promise<void> {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(BENCHES);
  print(`cdktf-vbs-backup benchmarks on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  for (const name of names) {
    const bench = BENCHES[name];
    if (!bench) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    await bench();
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
