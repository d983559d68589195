import { createHash } from 'node:crypto';
import { IConstruct } from 'constructs';
import { connectionEnvironment, BackupConnection } from '../core/connection';
import { HOOK_COMMANDS, HOOK_ENV } from '../contract/hook';
import { HookResource } from '../core/hook-kind';
import { HookRuntime } from '../core/hook-runtime';
import { addDependency, createHookResource, environmentFromSelf, HookTerraformResource, LateMap } from '../core/hook-resource';
import { fw, stackFor } from '../core/framework';
import { isLiteral, BackupValidationError } from '../core/validation';

/**
 * A managed policy's volumes (ADR 7): one `Volumes` hook resource with `for_each` over
 * `{ <key>: <volume id> }`. Creating an instance associates its volume (`hook-volume-attach`),
 * destroying one disassociates it (`hook-volume-detach`). A volume removed from the list is a
 * key gone from the map, so Terraform destroys exactly that instance while the block stays in
 * the configuration: its destroy-time provisioner runs, and the others are untouched.
 */

/** Construct id of the `Volumes` hook resource, a child of the policy. */
export const VOLUMES_RESOURCE_ID = 'Volumes';

/**
 * The `for_each` key of a volume: the id itself when it is literal; for a token, `v` + the
 * first 12 hex of sha256 of what it resolves to in `stack` (e.g. `${huaweicloud_evs_volume.db.id}`).
 * Never a token placeholder (they change between synths) and never a position (removing one
 * volume must not move the others).
 */
export function volumeKey(stack: IConstruct, volumeId: string): string {
  if (isLiteral(stack, volumeId)) {
    return volumeId;
  }
  const resolved = resolveIn(stack, volumeId);
  const text = typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
  return `v${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
}

/** What `value` resolves to in `stack`, as its framework writes it into the stack's JSON. */
function resolveIn(stack: IConstruct, value: string): unknown {
  const { DefaultTokenResolver, StringConcat, Tokenization } = fw(stack);
  return Tokenization.resolve(value, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
}

/**
 * The `for_each` map of the volumes: key (see {@link volumeKey}) to volume id.
 *
 * @throws when two volume ids resolve to the same key (the same volume given twice)
 */
export function volumesMap(scope: IConstruct, volumeIds: readonly string[]): Record<string, string> {
  const stack = stackFor(scope);
  const map: Record<string, string> = {};
  for (const volumeId of volumeIds) {
    const key = volumeKey(stack, volumeId);
    if (key in map) {
      throw new BackupValidationError(
        scope,
        'volume id',
        isLiteral(scope, volumeId) ? volumeId : resolveIn(stack, volumeId),
        'is in the policy twice (two values that resolve to the same volume)',
        'each volume once',
      );
    }
    map[key] = volumeId;
  }
  return map;
}

/** What the `Volumes` resource needs from its policy. */
export interface VolumesResourceOptions {
  /** Which resource type carries the hooks. */
  readonly kind: HookResource;
  /** How the hooks start the executor. */
  readonly runtime: HookRuntime;
  /** The policy's identity (its marker tag), to find it when the hooks run. */
  readonly identity: string;
  /** `destroy` or `retain`: what destroying an instance does to its volume. */
  readonly removal: string;
  /** Where the policy lives. */
  readonly connection?: BackupConnection;
  /** The policy's own resource: the volumes' instances wait for it. */
  readonly policyResource: HookTerraformResource;
  /**
   * The policy's list of volume ids, read at synth (so `addVolume` is seen). Only strings:
   * the `for_each` token holds it for good, and must not hold the construct tree.
   */
  readonly volumeIds: readonly string[];
}

/**
 * Adds the `Volumes` hook resource to `policy`: triggers `{ VBS_HOOK_IDENTITY, VBS_HOOK_VOLUME =
 * each.value, VBS_HOOK_REMOVAL, ...connection }`, a create-time `hook-volume-attach` and a
 * destroy-time `hook-volume-detach` whose environment is those triggers (`self`); depends on
 * the policy's resource.
 */
export function createVolumesResource(policy: IConstruct, options: VolumesResourceOptions): HookTerraformResource {
  const { kind, runtime, identity, removal, connection, volumeIds } = options;
  // Every input once, in the triggers; both hooks read them as their environment (`self`).
  const environment = environmentFromSelf(kind);
  const volumes = createHookResource(policy, VOLUMES_RESOURCE_ID, {
    kind,
    runtime,
    forEach: new LateMap(policy, (owner) => volumesMap(owner, volumeIds)),
    triggers: {
      [HOOK_ENV.identity]: identity,
      [HOOK_ENV.volume]: '${each.value}',
      [HOOK_ENV.removal]: removal,
      ...connectionEnvironment(connection),
    },
    commands: [
      { command: HOOK_COMMANDS.volumeAttach, environment },
      { command: HOOK_COMMANDS.volumeDetach, when: 'destroy', environment },
    ],
  });
  addDependency(volumes, options.policyResource);
  return volumes;
}
