/** Execution role for the pipeline's functions: logs to its own log group only, no managed policies. */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeFindings } from './nag.js';

/** A Lambda role that may write only to `logGroup`; other access comes from grants. */
export function functionRole(scope: Construct, id: string, logGroup: logs.ILogGroup): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  acknowledgeFindings(
    role,
    'AwsSolutions-IAM5',
    ['Resource::*'],
    'Only X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) is granted on "*"; X-Ray has no resource-level permissions.',
  );
  return role;
}
