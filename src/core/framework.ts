import type * as cdktf from 'cdktf';
import * as path from 'node:path';
import { IConstruct } from 'constructs';

/**
 * The framework of the app a construct belongs to: cdktf or CDK Terrain (cdktn), found from
 * the construct's stack (docs/architecture.md, "one package, two frameworks").
 *
 * Neither is imported here at run time: the app has one of them, and the library takes the
 * copy the app loaded (see {@link candidates}), so it needs no peer declaration to find it
 * (cdktf is an optional peer for its version range; cdktn is not declared: its own peer range
 * of `constructs` broke one-command installs of cdktf apps). cdktn is a fork of cdktf with the same API and the same
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

/** Framework modules by the file they load from: one entry per copy tried. */
const copies = new Map<string, Framework>();

/** The framework of each stack seen, and of each scope asked about (validation asks often). */
const stackFrameworks = new WeakMap<IConstruct, Framework>();
const scopeFrameworks = new WeakMap<IConstruct, Framework>();

/** Loads the framework `name` from `file` (a resolved module path) once. */
function loadFile(name: FrameworkName, file: string): Framework {
  let framework = copies.get(file);
  if (framework === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a framework the app has, loaded only when a stack of it is seen
    framework = { name, module: require(file) as FrameworkModule };
    copies.set(file, framework);
  }
  return framework;
}

/** Resolves `name` from `paths` (Node's own lookup); undefined when it is not there. */
function resolveFrom(name: FrameworkName, paths?: string[]): string | undefined {
  try {
    return require.resolve(name, paths ? { paths } : undefined);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      return undefined;
    }
    throw error;
  }
}

/**
 * The package folders of the framework copies this process has loaded, from Node's module
 * cache (`require.cache`): the app loaded its framework to make the stack, wherever it lives.
 * Under pnpm's strict layout an undeclared package cannot be resolved from this library, but
 * the app's copy is in the cache all the same.
 */
function loadedCopies(name: FrameworkName): string[] {
  const marker = `${path.sep}node_modules${path.sep}${name}${path.sep}`;
  const roots = new Set<string>();
  for (const file of Object.keys(require.cache)) {
    const at = file.lastIndexOf(marker);
    if (at >= 0) {
      roots.add(file.slice(0, at + marker.length - 1));
    }
  }
  return [...roots].flatMap((root) => {
    try {
      return [require.resolve(root)]; // the package's own entry (its package.json "main")
    } catch {
      return [];
    }
  });
}

/**
 * Where each framework may come from, best first: the copies the process already loaded (the
 * app's own, under any layout), then Node's lookup from this package (npm's hoisted layout, or
 * a declared peer), then from the working directory (the app's folder under `cdktf synth`).
 */
function* candidates(): Generator<[FrameworkName, string]> {
  const seen = new Set<string>();
  const fresh = function* (name: FrameworkName, file: string | undefined): Generator<[FrameworkName, string]> {
    if (file !== undefined && !seen.has(file)) {
      seen.add(file);
      yield [name, file];
    }
  };
  for (const name of FRAMEWORK_NAMES) {
    for (const file of loadedCopies(name)) {
      yield* fresh(name, file);
    }
  }
  for (const name of FRAMEWORK_NAMES) {
    yield* fresh(name, resolveFrom(name));
    yield* fresh(name, resolveFrom(name, [process.cwd()]));
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
 * The framework of the app `scope` belongs to, from the class of its stack: the copies the
 * process already loaded are tried first, so a cdktn app never loads cdktf (nor the reverse)
 * when both are installed.
 *
 * @throws when `scope` is in no TerraformStack, or its stack's framework is none of the
 *   copies the library can find
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
  const tried: string[] = [];
  for (const [name, file] of candidates()) {
    const framework = loadFile(name, file);
    if (stack instanceof framework.module.TerraformStack) {
      stackFrameworks.set(stack, framework);
      return framework;
    }
    tried.push(`${name} at ${file}`);
  }
  throw new Error(
    `${stack.node.path}: this TerraformStack is not from a cdktf or cdktn that cdktf-vbs-backup can find ` +
      `(${tried.length > 0 ? `tried ${tried.join(', ')}` : 'neither is loaded, nor installed where it can load them'}). ` +
      'Install one of them once, in the app, next to cdktf-vbs-backup (`npm ls cdktf cdktn constructs` should show one copy of each).',
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
