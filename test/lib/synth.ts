/**
 * Synthesises the real app (lib/app.ts, cdk.json context including feature flags) for infrastructure
 * tests. Bundling is skipped with CDK's documented `aws:cdk:bundling-stacks: []` context, except in the one
 * test that bundles for real. Test files call this once per configuration, at module level.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createWorktraceApp } from '../../lib/app.js';
import { PROJECT_ROOT } from '../../lib/bundling.js';
import type { WorktraceStack } from '../../lib/worktrace-stack.js';

/** The context committed in cdk.json (configuration defaults and feature flags). */
export const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'))
  .context as Record<string, unknown>;

/** A synthesised app, its stack and the stack's template. */
export interface Synthesised {
  readonly app: App;
  readonly stack: WorktraceStack;
  readonly template: Template;
}

/** Synthesises the app with cdk.json context plus `overrides`; bundling is skipped unless `bundle`. */
export function synth(
  overrides: Record<string, unknown> = {},
  options: { bundle?: boolean; outdir?: string } = {},
): Synthesised {
  const { app, stack } = createWorktraceApp({
    context: {
      ...CDK_JSON_CONTEXT,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...overrides,
    },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  return { app, stack, template: Template.fromStack(stack) };
}

/** Logical id of the single resource of `type` whose logical id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ')}`);
  return ids[0] as string;
}

/** Every IAM statement attached to a role (its inline policies and attached AWS::IAM::Policy resources). */
export function statementsOfRole(template: Template, roleLogicalId: string): unknown[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    JSON.stringify(p.Properties.Roles ?? []).includes(`"${roleLogicalId}"`),
  );
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId];
  const inline = (role?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: unknown[] } }[];
  return [
    ...policies.map((p) => p.Properties.PolicyDocument.Statement),
    ...inline.map((p) => p.PolicyDocument.Statement),
  ].flat();
}
