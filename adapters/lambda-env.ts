/**
 * Reads a handler's configuration from the environment once, at cold start, and fails loudly with the
 * variable's name. Handlers call this at module scope; nothing else reads process.env.
 */
import type { z } from 'zod';

/** A configuration error naming every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates `env` against a zod object whose keys are environment variable names. */
export function readEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}
