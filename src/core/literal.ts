import { IResolvable, IResolveContext, TerraformResource, Token } from 'cdktf';

/**
 * Synth-time rendering of the hook resources without cdktf's token resolver.
 *
 * cdktf resolves every element of a stack three times (a preparing pass, the element's own
 * pass, and a pass over the merged stack), visiting every key and string with several
 * regular expressions each time. A hook resource is nearly all literal strings (commands,
 * environment, the executor path, a spec rendered at synth), so the library renders it once
 * itself, when the element is resolved, and hands cdktf the finished block through a token
 * post-processor, which cdktf does not walk again. The output is the same JSON: anything that
 * is not a plain literal (a user token, a cdktf reference, a `Fn.*` call) makes the whole
 * block go through cdktf's resolver as usual.
 */

/** Returned by {@link literalCopy} when a value needs cdktf's resolver. */
const NEEDS_RESOLVER: unique symbol = Symbol('needs cdktf resolver');

/** The exponent of cdktf's encoded number tokens (about 1e289) always prints as `e+`. */
const NUMBER_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/g;

/**
 * A deep copy of `value` as cdktf's resolver would render it (undefined entries dropped), or
 * `NEEDS_RESOLVER` when anything in it is a token or not plain data.
 */
function literalCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      return isLiteralString(value) ? value : NEEDS_RESOLVER;
    case 'number':
      return Token.isUnresolved(value) || Token.isUnresolved([value]) ? NEEDS_RESOLVER : value;
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      break;
    default:
      return NEEDS_RESOLVER;
  }
  if (value === null) {
    return null;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (const item of value) {
      const literal = literalCopy(item);
      if (literal === NEEDS_RESOLVER) {
        return NEEDS_RESOLVER;
      }
      if (literal !== undefined) {
        copy.push(literal);
      }
    }
    return copy;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    return NEEDS_RESOLVER; // a token object, a Date, a construct...: cdktf's rules apply
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!isLiteralString(key)) {
      return NEEDS_RESOLVER;
    }
    const literal = literalCopy(item);
    if (literal === NEEDS_RESOLVER) {
      return NEEDS_RESOLVER;
    }
    if (literal !== undefined) {
      copy[key] = literal;
    }
  }
  return copy;
}

/** True when cdktf's resolver would leave `value` unchanged: no token of any kind inside. */
function isLiteralString(value: string): boolean {
  if (value.includes('TfToken[')) {
    return false; // string, list or map token markers
  }
  if (!value.includes('e+')) {
    return true; // cannot hold an encoded number token
  }
  for (const match of value.matchAll(NUMBER_IN_STRING)) {
    if (Token.isUnresolved(parseFloat(match[0]))) {
      return false;
    }
  }
  return true;
}

/**
 * A finished attribute block, resolved to itself by a post-processor (which cdktf does not
 * walk). Serialises to the block too, should anything stringify it unresolved.
 */
class RenderedBlock implements IResolvable {
  public readonly creationStack: string[] = [];

  constructor(private readonly block: unknown) {}

  public resolve(context: IResolveContext): undefined {
    context.registerPostProcessor({ postProcess: () => this.block });
    return undefined;
  }

  public toJSON(): unknown {
    return this.block;
  }

  public toString(): string {
    return 'VbsBackupRenderedBlock';
  }
}

/**
 * The attribute block of one hook resource, rendered when cdktf resolves the element.
 *
 * The element's own pass yields a {@link RenderedBlock} rather than the block, so the pass
 * over the merged stack does not walk it either: cdktf merges a token as a whole. Unless the
 * stack has its own overrides for this resource, which cdktf merges into the block there.
 */
class HookAttributes implements IResolvable {
  public readonly creationStack: string[] = [];

  constructor(
    private readonly resource: TerraformResource,
    private readonly attributes: unknown,
  ) {}

  public resolve(context: IResolveContext): unknown {
    const block = literalCopy(this.attributes);
    if (block === NEEDS_RESOLVER) {
      return this.attributes; // cdktf resolves it the usual way
    }
    const deferred = !context.preparing && !hasStackOverrides(this.resource);
    context.registerPostProcessor({ postProcess: () => (deferred ? new RenderedBlock(block) : block) });
    return undefined;
  }

  public toString(): string {
    return 'VbsBackupHookAttributes';
  }
}

/**
 * Whether the stack has overrides under this resource (`stack.addOverride("resource.<type>.<id>...")`),
 * which cdktf deep-merges into the block after the elements' pass. When the stack's overrides
 * cannot be read, assume there are.
 */
function hasStackOverrides(resource: TerraformResource): boolean {
  const overrides: unknown = (resource.cdktfStack as unknown as { rawOverrides?: unknown }).rawOverrides;
  if (overrides === null || typeof overrides !== 'object') {
    return true;
  }
  const resources = (overrides as { resource?: Record<string, Record<string, unknown> | undefined> }).resource;
  return resources?.[resource.terraformResourceType]?.[resource.friendlyUniqueId] !== undefined;
}

/** A resource's part of the synthesized JSON, as `toTerraform()` returns it. */
export interface TerraformJsonFragment {
  resource?: Record<string, Record<string, unknown> | undefined>;
  [key: string]: unknown;
}

/**
 * `fragment` (what `resource.toTerraform()` returned) with the resource's attribute block
 * replaced by one rendered without cdktf's resolver when it is all literal.
 */
export function withRenderedAttributes(resource: TerraformResource, fragment: TerraformJsonFragment): TerraformJsonFragment {
  const block = fragment?.resource?.[resource.terraformResourceType];
  const id = resource.friendlyUniqueId;
  if (block === undefined || block === null || block[id] === undefined) {
    return fragment;
  }
  block[id] = new HookAttributes(resource, block[id]);
  return fragment;
}
