/**
 * Helpers for cdk-nag acknowledgements that name one finding on one resource. Granular IAM findings carry
 * the logical id of the resource a wildcard is scoped to (`Resource::<LakeEvents1234.Arn>/*`), so they are
 * computed from the construct instead of being copied by hand.
 */
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The synthesised logical id of a construct's CloudFormation resource. */
export function logicalIdOf(construct: IConstruct): string {
  const stack = Stack.of(construct);
  return stack.resolve(stack.getLogicalId(construct.node.defaultChild as CfnElement)) as string;
}

/** The IAM5 finding for "every object in this bucket" (`<bucket>.Arn/*`). */
export function objectsFinding(bucket: IConstruct): string {
  return `Resource::<${logicalIdOf(bucket)}.Arn>/*`;
}

/** The IAM5 finding for "every object under this prefix of this bucket" (`<bucket>.Arn/<prefix>*`). */
export function prefixFinding(bucket: IConstruct, prefix: string): string {
  return `Resource::<${logicalIdOf(bucket)}.Arn>/${prefix}*`;
}

/** Acknowledges each finding of one rule on one construct with the same reason. */
export function acknowledgeFindings(
  construct: IConstruct,
  rule: string,
  findings: string[],
  reason: string,
): void {
  for (const finding of findings)
    Validations.of(construct).acknowledge({ id: `${rule}[${finding}]`, reason });
}

/** The wildcard actions CDK's bucket/key grants emit (each scoped to the granted bucket or key). */
export const GRANT_WILDCARD_ACTIONS = {
  read: ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*'],
  write: ['Action::s3:Abort*', 'Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
} as const;
