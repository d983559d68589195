import { IConstruct } from 'constructs';
import { HOOK_ENV } from '../contract/hook';
import { HookResource } from '../core/hook-kind';
import { HookRuntime } from '../core/hook-runtime';
import { createHookResource, environmentFromSelf, HookTerraformResource, isLiteralWord, selfTrigger, triggersAttribute } from '../core/hook-resource';
import { Addressable, dependencyAddress, HookValue, LateString } from '../core/late';

/**
 * The hook resources of a trigger, whatever it runs (docs/architecture.md ADR 3): a `Run`
 * resource whose create runs the hook, replaced by its rerun rule, and with
 * `backupBeforeDestroy` a `BeforeDestroy` resource whose destroy runs it. Nothing here knows
 * what is run: the caller gives the hook command and the variables that name the target.
 */
export interface TriggerHooksOptions {
  /** Which resource type carries the hooks. */
  readonly kind: HookResource;
  /** How the hooks start the executor. */
  readonly runtime: HookRuntime;
  /** The hook command word, e.g. `hook-trigger`. */
  readonly command: string;
  /**
   * Hook variables naming what is run and where (the policy reference, the connection):
   * replacing values of both resources, and their environment.
   */
  readonly target: Record<string, string>;
  /** The rerun rule's replacing values (`rerun_<key>`, `rerun_every_apply`): the run resource's only. */
  readonly rerun: Record<string, string>;
  /**
   * Resources whose update or replacement replaces the run resource (`replace_triggered_by`),
   * read when the stack is synthesized (the caller fills the list then, and makes the run
   * resource wait for them).
   *
   * @default - the run resource watches nothing
   */
  readonly watched?: readonly (IConstruct & Addressable)[];
  /**
   * Hook variables that must not re-run anything when they change (wait, timeout, failure
   * mode...): in the environment only. Give only those not at the executor's default.
   */
  readonly settings: Record<string, string>;
  /** Also run the hook when the trigger is destroyed. */
  readonly backupBeforeDestroy: boolean;
  /**
   * Give the hook `VBS_HOOK_RUN`, the run key Terraform computes (see {@link runKeyExpression}).
   *
   * @default false
   */
  readonly runKey?: boolean;
}

/**
 * The run key (`VBS_HOOK_RUN`, src/contract/hook.ts): the first 8 hex of Terraform's
 * `sha256(jsonencode([<the resource's replacing values>, <each watched resource, whole>]))`.
 * A retry of the same run (the resource tainted by a failure or an interrupt) has the same key;
 * a fired rerun rule (a changed value, `timestamp()`, a changed watched resource) a new one.
 * The before-destroy resource may read only `self`: its key is over its own triggers.
 */
export function runKeyExpression(kind: HookResource, watched: readonly Addressable[]): string {
  const parts = [`self.${triggersAttribute(kind)}`, ...watched.map(dependencyAddress)];
  return `substr(sha256(jsonencode([${parts.join(', ')}])), 0, 8)`;
}

/** The trigger's hook resources. */
export interface TriggerHooks {
  readonly run: HookTerraformResource;
  readonly beforeDestroy?: HookTerraformResource;
}

/**
 * Adds the run resource (and the before-destroy one) to `scope`. Each input is written once:
 * the replacing values are the resource's triggers, keyed by hook variable, and the
 * environment is those triggers read from `self` with the settings merged on top (a map, as
 * before, when a setting is a token: it cannot be put inside an expression).
 */
export function createTriggerHooks(scope: IConstruct, options: TriggerHooksOptions): TriggerHooks {
  const { kind, runtime, command, target, rerun, watched, settings } = options;
  const environment = (phase: 'deploy' | 'destroy'): HookValue | Record<string, HookValue> => {
    const extra = { ...settings, ...(phase === 'destroy' ? { [HOOK_ENV.phase]: phase } : {}) };
    // Computed at synth: a watched resource is named by the logical id it has then.
    const runKey = (): string => runKeyExpression(kind, phase === 'deploy' ? (watched ?? []) : []);
    if (Object.values(extra).every((value) => isLiteralWord(scope, value))) {
      if (!options.runKey) return environmentFromSelf(kind, extra);
      return new LateString(() => environmentFromSelf(kind, extra, { [HOOK_ENV.run]: runKey() }));
    }
    const fromSelf = Object.fromEntries(Object.keys(target).map((name) => [name, selfTrigger(kind, name)]));
    return { ...fromSelf, ...extra, ...(options.runKey ? { [HOOK_ENV.run]: new LateString(() => `\${${runKey()}}`) } : {}) };
  };

  const run = createHookResource(scope, 'Run', {
    kind,
    runtime,
    ...(watched !== undefined ? { replaceTriggeredBy: watched } : {}),
    triggers: { ...target, ...rerun },
    commands: [{ command, environment: environment('deploy') }],
  });
  if (!options.backupBeforeDestroy) {
    return { run };
  }
  // Its triggers hold only the target, so a re-run (the run resource replaced) never fires it.
  const beforeDestroy = createHookResource(scope, 'BeforeDestroy', {
    kind,
    runtime,
    triggers: { ...target },
    commands: [{ command, when: 'destroy', environment: environment('destroy') }],
  });
  return { run, beforeDestroy };
}
