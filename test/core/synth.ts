import * as cdktf from 'cdktf';
import * as cdktn from 'cdktn';
import { IConstruct } from 'constructs';

/** The frameworks the library serves, by name (both are devDependencies). */
export const FRAMEWORKS = { cdktf, cdktn } as const;
export type FrameworkName = keyof typeof FRAMEWORKS;
export const FRAMEWORK_NAMES = Object.keys(FRAMEWORKS) as FrameworkName[];

/** A fresh app and stack of `framework`; `context` goes to the app like cdktf.json "context". */
export function newStack(context?: Record<string, unknown>, framework: FrameworkName = 'cdktf'): cdktf.TerraformStack {
  const { Testing, TerraformStack } = FRAMEWORKS[framework] as typeof cdktf;
  const app = Testing.app(context ? { context } : undefined);
  return new TerraformStack(app, 'stack');
}

/** The framework module of `stack`'s app. */
function frameworkOf(stack: IConstruct): typeof cdktf {
  return (stack instanceof cdktn.TerraformStack ? cdktn : cdktf) as typeof cdktf;
}

/** The stack's synthesized JSON, parsed. Runs validations, as `cdktf synth` does. */
export function synthJson(stack: IConstruct): any {
  return JSON.parse(frameworkOf(stack).Testing.synth(stack as cdktf.TerraformStack, true));
}

/** The stack's synthesized HCL. */
export function synthHcl(stack: IConstruct): string {
  return frameworkOf(stack).Testing.synthHcl(stack as cdktf.TerraformStack, true);
}

/** Every resource of a type, by logical id. */
export function resourcesOf(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The only resource of `type` whose logical id contains `part`. */
export function resourceNamed(json: any, type: string, part: string): any {
  const matches = Object.entries(resourcesOf(json, type)).filter(([id]) => id.includes(part));
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} matching ${part}, found ${matches.map(([id]) => id).join(', ') || 'none'}`);
  }
  return matches[0][1];
}

/** The local-exec blocks of a synthesized resource. */
export function localExecs(resource: any): any[] {
  return (resource.provisioner ?? []).map((p: any) => p['local-exec']);
}

export const VOLUME_A = '0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c11';
export const VOLUME_B = '7d3e2f10-9b8a-4e6d-8c1b-2a4f6e8d0c22';
export const POLICY_ID = 'af8a20b0-117d-4fc3-ae53-aa3968a4f870';
export const PROJECT_ID = 'e9993fc787d94b6c886cbaa340f9c0f4';
