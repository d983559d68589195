import type * as cdktf from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * The framework of the app a construct belongs to: cdktf or CDK Terrain (cdktn), found from
 * the construct's stack (docs/architecture.md, "one package, two frameworks").
 *
 * Neither is imported here at run time: both are optional peer dependencies, and an app has
 * one of them. cdktn is a fork of cdktf with the same API and the same
 * `Symbol.for("cdktf/...")` markers, so `TerraformStack.isStack` cannot tell them apart; a
 * stack belongs to the framework whose `TerraformStack` class it is an instance of. Every
 * framework element the library makes (hook resources, the null provider, the executor
 * asset) and every framework function it calls (tokens, `Fn`, iterators) comes from that
 * module, so elements of one framework never land in a stack of the other.
 *
 * The module's type is cdktf's: cdktn has the same declarations for everything used here.
 * These types stay inside the library; its public declarations use `constructs` only.
 */

/** The API of cdktf 0.20/0.21 and cdktn 0.24, as the library uses it. */
export type FrameworkModule = typeof cdktf;

/** The framework names, in the order they are tried. */
export const FRAMEWORK_NAMES = ['cdktf', 'cdktn'] as const;

/** One of {@link FRAMEWORK_NAMES}. */
export type FrameworkName = (typeof FRAMEWORK_NAMES)[number];

/** A framework module and its name. */
export interface Framework {
  readonly name: FrameworkName;
  readonly module: FrameworkModule;
}

const STACK_SYMBOL = Symbol.for('cdktf/TerraformStack');

/** Modules by name: undefined = not tried yet, null = not installed. */
const modules = new Map<FrameworkName, Framework | null>();

/** The framework of each stack seen, and of each scope asked about (validation asks often). */
const stackFrameworks = new WeakMap<IConstruct, Framework>();
const scopeFrameworks = new WeakMap<IConstruct, Framework>();

/** Requires a framework by name once; null when it is not installed. */
function load(name: FrameworkName): Framework | null {
  const known = modules.get(name);
  if (known !== undefined) {
    return known;
  }
  let framework: Framework | null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded only when an app of this framework is seen
    framework = { name, module: require(name) as FrameworkModule };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || isInstalled(name)) {
      throw error;
    }
    framework = null;
  }
  modules.set(name, framework);
  return framework;
}

/** Whether `name` resolves from here (a MODULE_NOT_FOUND from inside it is a real error). */
function isInstalled(name: FrameworkName): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Whether `name` is already loaded in this process (so trying it costs nothing). */
function isLoaded(name: FrameworkName): boolean {
  if (modules.get(name)) {
    return true;
  }
  try {
    return require.cache[require.resolve(name)] !== undefined;
  } catch {
    return false;
  }
}

/** The nearest scope of `construct` (itself included) that is a TerraformStack of either framework. */
function stackOf(construct: IConstruct): IConstruct | undefined {
  const scopes = construct.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    if (STACK_SYMBOL in scopes[i]) {
      return scopes[i];
    }
  }
  return undefined;
}

/**
 * The framework of the app `scope` belongs to, from the class of its stack: frameworks
 * already loaded are tried first, so a cdktn app never loads cdktf (nor the reverse) when
 * both are installed.
 *
 * @throws when `scope` is in no TerraformStack, or its stack's framework cannot be loaded
 *   from this package (another copy, or neither installed)
 */
export function frameworkOf(scope: IConstruct): Framework {
  const known = scopeFrameworks.get(scope);
  if (known !== undefined) {
    return known;
  }
  const framework = stackFramework(scope);
  scopeFrameworks.set(scope, framework);
  return framework;
}

function stackFramework(scope: IConstruct): Framework {
  const stack = stackOf(scope);
  if (stack === undefined) {
    throw new Error(
      `${scope.node.path || '<root>'}: cdktf-vbs-backup constructs must be created inside a TerraformStack of cdktf or cdktn (CDK Terrain); this construct has none above it`,
    );
  }
  const cached = stackFrameworks.get(stack);
  if (cached !== undefined) {
    return cached;
  }
  const order = [...FRAMEWORK_NAMES].sort((a, b) => Number(isLoaded(b)) - Number(isLoaded(a)));
  for (const name of order) {
    const framework = load(name);
    if (framework !== null && stack instanceof framework.module.TerraformStack) {
      stackFrameworks.set(stack, framework);
      return framework;
    }
  }
  const found = FRAMEWORK_NAMES.filter((name) => modules.get(name));
  throw new Error(
    `${stack.node.path}: this TerraformStack is not from the cdktf or cdktn that cdktf-vbs-backup loads ` +
      `(${found.length > 0 ? `found ${found.map((name) => `${name} at ${require.resolve(name)}`).join(', ')}` : 'neither is installed where it can load them'}). ` +
      'Install one of them once, next to cdktf-vbs-backup (`npm ls cdktf cdktn constructs` should show one copy of each).',
  );
}

/** The framework module of `scope`'s app (see {@link frameworkOf}). */
export function fw(scope: IConstruct): FrameworkModule {
  return frameworkOf(scope).module;
}

/** The stack `scope` is in (the one {@link frameworkOf} found it from), typed by its framework. */
export function stackFor(scope: IConstruct): cdktf.TerraformStack {
  frameworkOf(scope); // a clear error when `scope` is in no stack of either framework
  return stackOf(scope) as cdktf.TerraformStack;
}
