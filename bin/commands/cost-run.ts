/** What `worktrace cost` does: reads the deployment configuration, prices the volume, prints the table. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseCount } from '#core/cost/count.js';
import { COST_FORMATS, type CostFormat, renderCost } from '#core/cost/format.js';
import { CostInputError, estimateMonthlyCost } from '#core/cost/model.js';
import { isPricedRegion, PRICED_REGIONS, PRICES } from '#core/cost/prices.js';
import { ConfigError } from '#core/errors.js';
import { parseConfig } from '../../lib/config.js';
import type { CostOptions } from './cost.js';

/** Prints the estimate for the options' volume, region and deployment configuration. */
export async function runCost(opts: CostOptions): Promise<void> {
  if (opts.eventsPerDay === undefined)
    throw new CostInputError('--events-per-day is required, e.g. --events-per-day 100M');
  const eventsPerDay = parseCount(opts.eventsPerDay, '--events-per-day');
  const bytesPerEvent =
    opts.bytesPerEvent === undefined ? undefined : parseCount(opts.bytesPerEvent, '--bytes-per-event');
  const users = opts.users === undefined ? undefined : parseCount(opts.users, '--users');
  if (users !== undefined && !Number.isInteger(users))
    throw new CostInputError(`--users must be a whole number (got "${opts.users}")`);
  if (!(COST_FORMATS as readonly string[]).includes(opts.format))
    throw new CostInputError(`--format must be one of ${COST_FORMATS.join(', ')} (got "${opts.format}")`);
  const region = opts.region ?? 'us-east-1';
  if (!isPricedRegion(region))
    throw new CostInputError(`no prices for region "${region}"; known regions: ${PRICED_REGIONS.join(', ')}`);
  let context: Record<string, unknown>;
  try {
    context =
      (JSON.parse(readFileSync(opts.cdkJson, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  } catch (err) {
    throw new ConfigError(`cannot read ${opts.cdkJson}: ${(err as Error).message}`);
  }
  const config = parseConfig(context, { baseDir: dirname(resolve(opts.cdkJson)) });
  const estimate = estimateMonthlyCost({
    eventsPerDay,
    ...(bytesPerEvent === undefined ? {} : { bytesPerEvent }),
    ...(users === undefined ? {} : { users }),
    region,
    prices: PRICES.regions[region],
    deployment: config,
  });
  process.stdout.write(renderCost(estimate, opts.format as CostFormat));
}
