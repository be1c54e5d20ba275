/**
 * Vitest global setup: brings dist/cli up to date once before the tests, so the tests that spawn
 * bin/worktrace.mjs run the current sources as built JavaScript, and none of them pays for a rebuild.
 */
import { buildCli, buildIsCurrent } from '../../scripts/build-cli.mjs';

export default async function setup(): Promise<void> {
  if (!buildIsCurrent()) await buildCli();
}
