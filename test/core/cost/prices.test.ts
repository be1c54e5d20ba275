/** The price book is data with a date and a source per price, and the model's deployment facts match lib/. */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEPLOYED_RESOURCES } from '#core/cost/model.js';
import { PRICED_REGIONS, PRICES, type Price } from '#core/cost/prices.js';
import { FUNCTION_DEFAULTS } from '../../../lib/defaults.js';

const pricesOf = (o: object): Price[] =>
  Object.values(o).flatMap((v) => (typeof v === 'object' && v && 'usd' in v ? [v as Price] : pricesOf(v)));

describe('the price book', () => {
  it('is dated and keyed by region', () => {
    expect(PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICED_REGIONS).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'eu-central-1']));
    expect(PRICES.note).toMatch(/list prices/);
  });

  it('gives every region the same prices, each positive and naming its AWS pricing page', () => {
    const shape = (r: object) => pricesOf(r).map((p) => p.per);
    const first = shape(PRICES.regions['us-east-1']);
    for (const region of PRICED_REGIONS) {
      const prices = pricesOf(PRICES.regions[region]);
      expect(shape(PRICES.regions[region])).toEqual(first);
      for (const p of prices) {
        expect(p.usd).toBeGreaterThan(0);
        expect(p.source).toMatch(/^https:\/\/aws\.amazon\.com\/[a-z0-9/-]+\/pricing\/$/);
        expect(PRICES.sources).toContain(p.source);
      }
    }
  });
});

describe('the deployment facts the model assumes', () => {
  it('prices the architecture the functions are deployed on', () => {
    expect(FUNCTION_DEFAULTS.architecture).toBe(lambda.Architecture.ARM_64);
    expect(DEPLOYED_RESOURCES.lambdaArchitecture).toBe(lambda.Architecture.ARM_64.name);
  });
});
