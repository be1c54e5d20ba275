/**
 * The cost model prices what the stack deploys: its counts of customer-managed keys, alarms and dashboards
 * (core/cost/model.ts DEPLOYED_RESOURCES) are those of the synthesised stack, so adding a key or an alarm
 * in lib/ without updating the estimate fails here.
 */
import { describe, expect, it } from 'vitest';
import { DEPLOYED_RESOURCES } from '#core/cost/model.js';
import { synth } from './synth.js';

const { template } = synth();
const count = (type: string) => Object.keys(template.findResources(type)).length;

describe('cost model resource counts', () => {
  it('match the synthesised stack', () => {
    expect({
      kmsKeys: count('AWS::KMS::Key'),
      alarms: count('AWS::CloudWatch::Alarm'),
      dashboards: count('AWS::CloudWatch::Dashboard'),
    }).toEqual({
      kmsKeys: DEPLOYED_RESOURCES.kmsKeys,
      alarms: DEPLOYED_RESOURCES.alarms,
      dashboards: DEPLOYED_RESOURCES.dashboards,
    });
  });
});
