import { resource as nullResource } from '@cdktf/provider-null';
import { DataConfig, DataResource, IResolvable, LocalExecProvisioner, TerraformIterator, TerraformResource, Token } from 'cdktf';
import { Construct } from 'constructs';
import { TerraformJsonFragment, withRenderedAttributes } from './literal';

/**
 * Hook inputs computed when the stack is synthesized, and the hook resource classes that
 * compute them.
 *
 * A managed policy's spec takes the volumes added after its constructor; a `depends_on` entry
 * must name the logical id the target has at synth. cdktf would carry such values as tokens,
 * which it keeps in a process-wide map for good, each holding on to its construct tree, and
 * resolves three times per synth. A hook resource instead keeps them itself and writes them
 * into its block only while it is being synthesized.
 */

/** A hook input computed when the stack is synthesized (a trigger or environment value). */
export class LateString {
  /** @param produce computes the value; called at every synth, it may capture constructs */
  constructor(public readonly produce: () => string) {}
}

/** A hook input: a string (literal, or any cdktf token) or a {@link LateString}. */
export type HookValue = string | LateString;

/** The literal entries of `values`, and the late ones apart. */
export function splitLate(values: Record<string, HookValue>): {
  now: Record<string, string>;
  late: Record<string, LateString>;
} {
  const now: Record<string, string> = {};
  const late: Record<string, LateString> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value instanceof LateString) {
      late[key] = value;
    } else {
      now[key] = value;
    }
  }
  return { now, late };
}

function produceAll(values: Record<string, LateString>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = value.produce();
  }
  return out;
}

/**
 * A string token whose value `produce(owner)` computes when the stack is synthesized (so later
 * changes, such as volumes added or a logical id overridden, are seen). Like cdktf's
 * `Lazy.stringValue` but without recording a stack trace per token, which dominates the
 * synth time of stacks with hundreds of hooks. For resources other than the library's hooks,
 * which keep their late values themselves.
 *
 * cdktf keeps every token in a process-wide map for good, so the token holds `owner` weakly
 * and `produce` must not capture it (or anything else of the construct tree): a program that
 * synthesizes many apps, such as a test suite, can then free each app's tree (once the job
 * that built it has ended, as WeakRefs go).
 */
export function producedString<T extends object>(owner: T, produce: (owner: T) => string): string {
  return Token.asString(new ProducedString(owner, produce));
}

class ProducedString<T extends object = object> implements IResolvable {
  public readonly creationStack: string[] = [];
  private readonly owner: WeakRef<T>;

  constructor(
    owner: T,
    private readonly producer: (owner: T) => string,
  ) {
    this.owner = new WeakRef(owner);
  }

  public produce(): string {
    const owner = this.owner.deref();
    if (owner === undefined) {
      // Only reachable when the construct tree is gone, so nothing can be synthesizing it.
      throw new Error('cdktf-vbs-backup: a value of a construct that no longer exists was resolved');
    }
    return this.producer(owner);
  }

  public resolve(): string {
    return this.produce();
  }

  public toString(): string {
    return 'VbsBackupProducedString';
  }
}

/** `<type>.<logical id>` as `depends_on` wants it. */
export function dependencyAddress(on: TerraformResource): string {
  return `${on.terraformResourceType}.${on.friendlyUniqueId}`;
}

/** What a hook resource adds to its block at synth. */
export class LateInputs {
  /** Trigger entries (`triggers` or `triggers_replace`). */
  public readonly triggers: Record<string, LateString> = {};
  /** Environment entries, by provisioner index. */
  public readonly environments = new Map<number, Record<string, LateString>>();
  /** Resources the hook waits for, appended to `depends_on`. */
  public readonly dependencies: TerraformResource[] = [];
  /**
   * The `for_each` map (keys known at synth, values may be tokens), computed at synth; the
   * block's instances are then `<type>.<id>["<key>"]` and may read `each.key` / `each.value`.
   */
  public forEach?: () => Record<string, string>;

  /**
   * Runs `render` (JSON output) with the late values written into `resource` and the
   * `for_each` map, if any, put into the rendered block as a plain object, so an all-literal
   * block keeps the resolver-free rendering of ADR 5.
   */
  public aroundJson(
    resource: TerraformResource,
    triggers: TriggerAccess,
    render: () => TerraformJsonFragment,
  ): TerraformJsonFragment {
    return this.around(resource, triggers, () => {
      const fragment = render();
      if (this.forEach !== undefined) {
        const block = fragment?.resource?.[resource.terraformResourceType]?.[resource.friendlyUniqueId];
        if (typeof block === 'object' && block !== null) {
          (block as Record<string, unknown>).for_each = this.forEach();
        }
      }
      return fragment;
    });
  }

  /**
   * Runs `render` (HCL output) with the late values written into `resource`, the `for_each`
   * map as cdktf's map iterator.
   */
  public aroundHcl<T>(
    resource: TerraformResource,
    triggers: { get: () => Record<string, string> | undefined; set: (value: Record<string, string> | undefined) => void },
    render: () => T,
  ): T {
    if (this.forEach === undefined) {
      return this.around(resource, triggers, render);
    }
    const ownForEach = resource.forEach;
    resource.forEach = TerraformIterator.fromMap(this.forEach());
    try {
      return this.around(resource, triggers, render);
    } finally {
      resource.forEach = ownForEach;
    }
  }

  /**
   * Runs `render` with the late values written into `resource`, then puts the resource's
   * own values back, so a later change (another volume, an overridden logical id) is seen
   * by the next synth.
   */
  public around<T>(
    resource: TerraformResource,
    triggers: { get: () => Record<string, string> | undefined; set: (value: Record<string, string> | undefined) => void },
    render: () => T,
  ): T {
    const ownTriggers = triggers.get();
    const ownProvisioners = resource.provisioners;
    const ownDependsOn = resource.dependsOn;
    if (Object.keys(this.triggers).length > 0) {
      triggers.set({ ...(ownTriggers ?? {}), ...produceAll(this.triggers) });
    }
    if (this.environments.size > 0 && ownProvisioners !== undefined) {
      resource.provisioners = ownProvisioners.map((provisioner, index) => {
        const late = this.environments.get(index);
        if (late === undefined || provisioner.type !== 'local-exec') {
          return provisioner;
        }
        const localExec: LocalExecProvisioner = provisioner;
        return { ...localExec, environment: { ...(localExec.environment ?? {}), ...produceAll(late) } };
      });
    }
    if (this.dependencies.length > 0) {
      resource.dependsOn = [...(ownDependsOn ?? []), ...this.dependencies.map(dependencyAddress)];
    }
    try {
      return render();
    } finally {
      triggers.set(ownTriggers);
      resource.provisioners = ownProvisioners;
      resource.dependsOn = ownDependsOn;
    }
  }
}

/** How a hook resource's triggers attribute is read and written (`triggers` or `triggers_replace`). */
interface TriggerAccess {
  get(): Record<string, string> | undefined;
  set(value: Record<string, string> | undefined): void;
}

/** A class, as a mixin takes and returns it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base must have a constructor taking ...any[] (TypeScript error TS2545 otherwise)
type Constructor<T> = new (...args: any[]) => T;
type ResourceClass = Constructor<TerraformResource>;

/**
 * Adds late inputs to a hook resource class, and renders it without cdktf's resolver when its
 * block is literal (ADR 5). `access` names the class's triggers attribute.
 */
function withLateInputs<TBase extends ResourceClass>(
  Base: TBase,
  access: (resource: InstanceType<TBase>) => TriggerAccess,
): TBase & Constructor<{ readonly late: LateInputs }> {
  return class extends Base {
    /** Inputs computed at synth. */
    public readonly late = new LateInputs();

    public toTerraform(): TerraformJsonFragment {
      const self = this as InstanceType<TBase>;
      return withRenderedAttributes(this, this.late.aroundJson(this, access(self), () => super.toTerraform()));
    }

    public toHclTerraform(): unknown {
      const self = this as InstanceType<TBase>;
      return this.late.aroundHcl(this, access(self), () => super.toHclTerraform());
    }
  };
}

/** A hook's `null_resource`: late inputs, and rendered without cdktf's resolver when literal. */
export class NullHookResource extends withLateInputs(nullResource.Resource, (r) => ({
  get: () => r.triggersInput,
  set: (value) => (value === undefined ? r.resetTriggers() : (r.triggers = value)),
})) {
  constructor(scope: Construct, id: string, config: nullResource.ResourceConfig) {
    super(scope, id, config);
  }
}

/** A hook's `terraform_data`: late inputs, and rendered without cdktf's resolver when literal. */
export class DataHookResource extends withLateInputs(DataResource, (r) => ({
  get: () => r.triggersReplaceInput as Record<string, string> | undefined,
  set: (value) => (value === undefined ? r.resetTriggersReplace() : (r.triggersReplace = value)),
})) {
  constructor(scope: Construct, id: string, config: DataConfig) {
    super(scope, id, config);
  }
}

/** The late inputs of one of the library's hook resources, or undefined for any other. */
export function lateInputsOf(resource: TerraformResource): LateInputs | undefined {
  return resource instanceof NullHookResource || resource instanceof DataHookResource ? resource.late : undefined;
}
