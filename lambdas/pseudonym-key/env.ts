/**
 * Environment of the pseudonym data-key function: nothing of its own. The KMS key arrives as a resource
 * property of each custom resource event, so a key change reaches the function as an update.
 */
import { z } from 'zod';

/** What the data-key function reads at cold start (no variables of its own). */
export const PseudonymKeyEnvSchema = z.object({});
/** The data-key function's configuration. */
export type PseudonymKeyEnv = z.infer<typeof PseudonymKeyEnvSchema>;
