/**
 * Ends an emulator's running jobs when a hook is seen waiting for them, for the suites that run
 * real hooks under terraform (test/e2e, test/reliability): no test waits out a job time.
 */
import type { Emulator } from '../../src/emulator';

/**
 * Runs `work` (applies whose hooks meet a busy policy or vault) and meanwhile ends the running
 * jobs of `target` whenever a hook is seen waiting for them. A policy's: a poll of its jobs
 * (`listJobs`) logged after the newest run began. A vault's: a listing of backups
 * (`listBackups`) logged after the vault's latest `createCheckpoint` (refused as busy, or the
 * hook's own, waited for), not the listing a hook makes before it backs up. The runs last an
 * hour of emulator time otherwise, so a hook that arrives while one runs always finds it busy,
 * whatever the machine's speed. The request log is looked at every 20 ms: a wait on a condition.
 */
export async function endRunsWhenWaitedForIn<T>(
  emulator: Emulator, projectId: string, target: { policyId: string } | { vaultId: string }, work: Promise<T>,
): Promise<T> {
  const waitedFor = (): boolean => {
    if ('policyId' in target) {
      const running = emulator.jobs(projectId, target.policyId).filter((j) => j.finished_at === undefined).map((j) => Date.parse(`${j.created_at}Z`));
      return running.length > 0 && emulator.requests({ operation: 'listJobs', policyId: target.policyId }).some((r) => Date.parse(r.time) >= Math.max(...running));
    }
    if (!emulator.backups(projectId, target.vaultId).some((b) => b.status === 'protecting')) return false;
    const checkpoint = emulator.requests({ operation: 'createCheckpoint', vaultId: target.vaultId }).pop();
    return checkpoint !== undefined && emulator.requests({ operation: 'listBackups' }).some((r) => r.seq > checkpoint.seq);
  };
  let done = false;
  const watching = (async () => {
    while (!done) {
      if (waitedFor()) emulator.finishJobs(target);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    return await work;
  } finally {
    done = true;
    await watching;
  }
}
