import type { IResolvable } from 'cdktf';

/**
 * Hook inputs computed when the stack is synthesized.
 *
 * A managed policy's spec takes the volumes added after its constructor; a `depends_on` entry
 * must name the logical id the target has at synth. A hook resource computes its own late
 * values in its `synthesizeAttributes()` / `synthesizeHclAttributes()` (src/core/hook-resource.ts).
 * What goes into the framework's own meta-arguments (a `depends_on` entry of another
 * resource, a `for_each` map) is an {@link IResolvable} the framework's resolver calls at
 * synth. cdktf and cdktn keep every *registered* token (`Token.asString`) in a process-wide
 * map for good, so the objects here are either never registered (dependencies) or hold
 * their construct weakly (the `for_each` map, which the iterator registers), and a program
 * that synthesizes many apps, such as a test suite, can free each app's tree.
 */

/** A hook input computed when the stack is synthesized (a trigger or environment value). */
export class LateString {
  /** @param produce computes the value; called at every synth, it may capture constructs */
  constructor(public readonly produce: () => string) {}
}

/** A hook input: a string (literal, or any token of the app's framework) or a {@link LateString}. */
export type HookValue = string | LateString;

/** `values` with every {@link LateString} computed. */
export function produceAll(values: Record<string, HookValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = value instanceof LateString ? value.produce() : value;
  }
  return out;
}

/** What a `depends_on` entry needs of its target: the address parts cdktf and cdktn expose. */
export interface Addressable {
  readonly terraformResourceType: string;
  readonly friendlyUniqueId: string;
}

/** `<type>.<logical id>` as `depends_on` wants it. */
export function dependencyAddress(on: Addressable): string {
  return `${on.terraformResourceType}.${on.friendlyUniqueId}`;
}

/**
 * A `depends_on` entry naming `on` by the logical id it has at synth (a logical id may be
 * overridden after the dependency is declared). Put as is into a resource's `dependsOn`,
 * never registered as a token: it lives exactly as long as the resource that holds it.
 */
export class DependencyReference implements IResolvable {
  public readonly creationStack: string[] = [];

  constructor(public readonly target: Addressable) {}

  public resolve(): string {
    return dependencyAddress(this.target);
  }

  public toString(): string {
    return 'VbsBackupDependency';
  }
}

/**
 * A map computed at synth for a `for_each` (the framework's `TerraformIterator.fromMap`
 * registers it as a token). It holds `owner` weakly and `produce` must not capture it (or
 * anything else of the construct tree), so the token map does not keep the app alive.
 */
export class LateMap<T extends object = object> implements IResolvable {
  public readonly creationStack: string[] = [];
  private readonly owner: WeakRef<T>;

  constructor(
    owner: T,
    private readonly producer: (owner: T) => Record<string, string>,
  ) {
    this.owner = new WeakRef(owner);
  }

  public resolve(): Record<string, string> {
    const owner = this.owner.deref();
    if (owner === undefined) {
      // Only reachable when the construct tree is gone, so nothing can be synthesizing it.
      throw new Error('cdktf-vbs-backup: a value of a construct that no longer exists was resolved');
    }
    return this.producer(owner);
  }

  public toString(): string {
    return 'VbsBackupLateMap';
  }
}
