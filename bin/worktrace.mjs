#!/usr/bin/env node
// Entry point of the `worktrace` command: loads the TypeScript CLI through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

// The CLI supports Node 20; the SDK's notice about its future Node 22 floor is noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./cli.ts');
