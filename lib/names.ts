/**
 * Names shared by the stack's constructs, the CLI and the local runtime, defined once so that the analyst
 * role, the query layer and `worktrace query --athena` agree without passing constructs around.
 */

/** CloudFormation stack name for a stage. */
export function stackName(stage: string): string {
  return `Worktrace-${stage}`;
}

/** Athena workgroup name for a stage. */
export function workgroupName(stage: string): string {
  return `worktrace-${stage}`;
}

/** Name of the analysts' own workgroup for a stage (its results prefix is `<name>/`). */
export function analystWorkgroupName(stage: string): string {
  return `${workgroupName(stage)}-analysts`;
}

/** Glue database name for a stage (Glue names allow only lower case, digits and underscores). */
export function glueDatabaseName(stage: string): string {
  return `worktrace_${stage.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
}
