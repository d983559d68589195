import { IConstruct } from 'constructs';
import { HOOK_ENV } from '../contract/hook';
import { HookResource } from '../core/hook-kind';
import { addDependency, createHookResource, environmentFromSelf, HookTerraformResource, isLiteralWord, selfTrigger } from '../core/hook-resource';
import type { Addressable } from '../core/late';

/**
 * The hook resources of a trigger, whatever it runs (docs/architecture.md ADR 3): a `Run`
 * resource whose create runs the hook, replaced by its rerun rule, and with
 * `backupBeforeDestroy` a `BeforeDestroy` resource whose destroy runs it. Nothing here knows
 * what is run: the caller gives the hook command and the variables that name the target.
 */
export interface TriggerHooksOptions {
  /** Which resource type carries the hooks. */
  readonly kind: HookResource;
  /** The hook command word, e.g. `hook-trigger`. */
  readonly command: string;
  /**
   * Hook variables naming what is run and where (the policy reference, the connection):
   * replacing values of both resources, and their environment.
   */
  readonly target: Record<string, string>;
  /** The rerun rule's replacing values (`rerun_<key>`, `rerun_every_apply`): the run resource's only. */
  readonly rerun: Record<string, string>;
  /** Resources whose update or replacement replaces the run resource (`replace_triggered_by`); it also waits for them. */
  readonly watched: readonly (IConstruct & Addressable)[];
  /**
   * Hook variables that must not re-run anything when they change (wait, timeout, failure
   * mode...): in the environment only. Give only those not at the executor's default.
   */
  readonly settings: Record<string, string>;
  /** Also run the hook when the trigger is destroyed. */
  readonly backupBeforeDestroy: boolean;
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
  const { kind, command, target, rerun, watched, settings } = options;
  const environment = (phase: 'deploy' | 'destroy'): string | Record<string, string> => {
    const extra = { ...settings, ...(phase === 'destroy' ? { [HOOK_ENV.phase]: phase } : {}) };
    if (Object.values(extra).every((value) => isLiteralWord(scope, value))) {
      return environmentFromSelf(kind, extra);
    }
    const fromSelf = Object.fromEntries(Object.keys(target).map((name) => [name, selfTrigger(kind, name)]));
    return { ...fromSelf, ...extra };
  };

  const run = createHookResource(scope, 'Run', {
    kind,
    ...(watched.length > 0 ? { replaceTriggeredBy: watched } : {}),
    triggers: { ...target, ...rerun },
    commands: [{ command, environment: environment('deploy') }],
  });
  for (const resource of watched) {
    addDependency(run, resource);
  }
  if (!options.backupBeforeDestroy) {
    return { run };
  }
  // Its triggers hold only the target, so a re-run (the run resource replaced) never fires it.
  const beforeDestroy = createHookResource(scope, 'BeforeDestroy', {
    kind,
    triggers: { ...target },
    commands: [{ command, when: 'destroy', environment: environment('destroy') }],
  });
  return { run, beforeDestroy };
}
