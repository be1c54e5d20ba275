/**
 * A function's environment, read once at cold start: `readEnv` validates it against the function's
 * schema (lambdas/<name>/env.ts) and fails loudly with the variable's name; `EnvOf` types the
 * construct's `environment` against the same schema, so a renamed variable fails to compile in lib/.
 */
import type { z } from 'zod';
import { ConfigError } from '#core/errors.js';

export { ConfigError };

/** Validates `env` against a zod object whose keys are environment variable names. */
export function readEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw ConfigError.fromIssues(parsed.error.issues, '(env)');
}

/** Keys of `T` that may be left out. */
type OptionalKeys<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? K : never }[keyof T];

/**
 * The environment a function is given, typed by its schema: every variable the schema requires, as a
 * string; the ones it marks optional or defaulted may be left out; no name it does not know.
 */
export type EnvOf<S extends z.ZodObject> = {
  readonly [K in Exclude<keyof z.input<S>, OptionalKeys<z.input<S>>> & string]: string;
} & {
  readonly [K in OptionalKeys<z.input<S>> & string]?: string;
};

/** The variables a schema requires (no default, not optional), in schema order. */
export function requiredEnvNames(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name);
}
