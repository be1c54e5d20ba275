/** Builds the CDK app from its context: configuration, the one stack, and the cdk-nag packs. */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { parseConfig } from './config.js';
import { stackName } from './names.js';
import { WorktraceStack } from './worktrace-stack.js';

/** The app and its stack; `props.context` adds to (or replaces) what cdk.json and `-c` provide. */
export function createWorktraceApp(props: AppProps = {}): { app: App; stack: WorktraceStack } {
  const app = new App(props);
  const config = parseConfig(app.node.getAllContext());
  const stack = new WorktraceStack(app, stackName(config.stage), { config });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}
