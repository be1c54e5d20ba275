/** The CDK app (cdk.json "app"): configuration from context, one stack Worktrace-<stage>, cdk-nag. */
import { createWorktraceApp } from '../lib/app.js';

createWorktraceApp();
