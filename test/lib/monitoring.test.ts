import { describe, expect, it } from 'vitest';
import { logicalId, synth } from './synth.js';

type Alarm = { Properties: Record<string, unknown> & { AlarmActions: unknown[] } };

describe('monitoring with the default configuration', () => {
  const { template } = synth();
  const alarm = (prefix: string) =>
    template.findResources('AWS::CloudWatch::Alarm')[
      logicalId(template, 'AWS::CloudWatch::Alarm', prefix)
    ] as Alarm;
  const topic = logicalId(template, 'AWS::SNS::Topic', 'MonitoringTopic');

  it('encrypts the alarm topic with a customer-managed key that CloudWatch may use', () => {
    const key = logicalId(template, 'AWS::KMS::Key', 'MonitoringTopicKey');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    const policy = template.findResources('AWS::KMS::Key')[key]?.Properties.KeyPolicy;
    expect(JSON.stringify(policy)).toContain('"Service":"cloudwatch.amazonaws.com"');
  });

  it('has no e-mail subscription unless configured', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('notifies the topic from every alarm', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Alarm[];
    expect(alarms).toHaveLength(13); // ten pipeline alarms, the governance canary, the erase sweep and erasure executions
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([{ Ref: topic }]);
  });

  it('alarms when the redact iterator age exceeds 15 minutes for 15 minutes', () => {
    expect(alarm('MonitoringRedactIteratorAge').Properties).toMatchObject({
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: 900_000,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms on any error or throttle of either function', () => {
    for (const prefix of ['RedactErrors', 'RedactThrottles', 'SequenceErrors', 'SequenceThrottles'])
      expect(alarm(`Monitoring${prefix}`).Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
  });

  it('alarms on any message in either failure queue', () => {
    for (const prefix of ['RedactFailureQueueDepth', 'SequenceFailureQueueDepth'])
      expect(alarm(`Monitoring${prefix}`).Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
      });
  });

  it('alarms when more than 5 % of received records are quarantined', () => {
    const props = alarm('MonitoringQuarantineRatio').Properties;
    expect(props).toMatchObject({ Threshold: 0.05, ComparisonOperator: 'GreaterThanThreshold' });
    expect(JSON.stringify(props.Metrics)).toContain('RecordsQuarantined');
    expect(JSON.stringify(props.Metrics)).toContain('RecordsIn');
  });

  it('alarms when no window was sequenced for an hour, treating silence as stale', () => {
    expect(alarm('MonitoringSequenceStale').Properties).toMatchObject({
      Namespace: 'worktrace',
      MetricName: 'windows',
      Dimensions: [{ Name: 'service', Value: 'sequence' }],
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('builds a dashboard with ingest rate, lag, quarantine ratio, findings and episodes', () => {
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const text of ['IncomingRecords', 'IteratorAge', 'RecordsQuarantined', 'Findings', 'episodes'])
      expect(body).toContain(text);
  });
});

describe('monitoring with an alarm e-mail and custom thresholds', () => {
  const { template } = synth({
    alarmEmail: 'oncall@example.com',
    alarmIteratorAgeMinutes: 5,
    alarmQuarantineRatio: 0.2,
    alarmSequenceStaleMinutes: 120,
  });
  const alarm = (prefix: string) =>
    template.findResources('AWS::CloudWatch::Alarm')[
      logicalId(template, 'AWS::CloudWatch::Alarm', prefix)
    ] as Alarm;

  it('subscribes the address to the alarm topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it('uses the configured thresholds', () => {
    expect(alarm('MonitoringRedactIteratorAge').Properties.Threshold).toBe(300_000);
    expect(alarm('MonitoringQuarantineRatio').Properties.Threshold).toBe(0.2);
    expect(alarm('MonitoringSequenceStale').Properties.Period).toBe(7200);
  });
});
