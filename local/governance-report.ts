/**
 * `worktrace report`: the training set's datasheet (what is collected, dropped and why, retention per zone,
 * findings per entity type, opt-outs honoured, k-anonymity, key and policy versions; charts of volume per
 * day and findings per type; the estimated monthly AWS cost for `expectedEventsPerDay`) and a
 * records-of-processing page generated from the deployment configuration (cdk.json context). Pure
 * renderers: counts in, HTML and Markdown out, no row content.
 */
import { EVENT_TYPES } from '#core/contract/event-contract.js';
import { formatQuantity, formatUsd, priceSourcesLine } from '#core/cost/format.js';
import { COST_COMPONENTS, estimateMonthlyCost } from '#core/cost/model.js';
import { PRICES } from '#core/cost/prices.js';
import { ENTITY_TYPES } from '#core/redact/scrub-types.js';
import type { WorktraceConfig } from '../lib/config.js';
import { findingsChartSvg, volumeChartSvg } from './report.js';

/** Lake facts for the datasheet (all counts). */
export interface LakeFacts {
  readonly eventsPerDay: readonly { dt: string; events: number; findings: number }[];
  readonly findings: Readonly<Record<string, number>>;
  readonly quarantined: number;
  readonly episodes: number;
  readonly views: Readonly<Record<string, number>>;
  readonly optOuts: number;
  readonly policyVersions: readonly string[];
  readonly keyVersions: readonly string[];
}

/** The two rendered pages. */
export interface GovernanceReport {
  readonly datasheet: { html: string; markdown: string };
  readonly records: { html: string; markdown: string };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A table as HTML and as Markdown. */
export function table(
  head: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): { html: string; md: string } {
  const html = `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  const md = [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  return { html, md };
}

function page(title: string, sections: readonly { title: string; html: string }[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
th{background:#f3f3f3}h2{margin-top:2rem}</style></head><body><h1>${esc(title)}</h1>${sections
    .map((s) => `<h2>${esc(s.title)}</h2>${s.html}`)
    .join('')}</body></html>\n`;
}

/** Retention per zone, from the configuration. */
export function retentionRows(c: WorktraceConfig): string[][] {
  return [
    ['Kinesis stream', `${c.streamRetentionHours} hours`],
    ['quarantine zone (scrubbed invalid records)', `${c.quarantineRetentionDays} days`],
    ['events zone (redacted events)', `${c.eventsRetentionDays} days`],
    [
      'curated zone (actions, episodes)',
      `${c.curatedRetentionDays} days (Standard-IA after ${c.curatedInfrequentAccessDays}, Glacier IR after ${c.curatedGlacierInstantRetrievalDays}); views never reach past it`,
    ],
    ['Athena results', `${c.athenaResultsRetentionDays} days`],
    ['S3 access logs', `${c.accessLogsRetentionDays} days`],
    ['overwritten or deleted object versions', `${c.noncurrentVersionRetentionDays} days`],
  ];
}

/** What is collected and how it is kept, from the configuration. */
export function collectedRows(config: WorktraceConfig): string[][] {
  const p = config.policy;
  return [
    ['event types (contract v1)', EVENT_TYPES.join(', ')],
    [
      'typed text',
      'coalesced per field on the device, scrubbed (typed placeholders) before it lands; never per key',
    ],
    ['secure fields (passwords, PINs, cards)', 'never leave the device; dropped again by the server'],
    ['user, device, host and session ids', 'HMAC-SHA256 pseudonyms under a KMS-rooted key; never stored raw'],
    ['key timing', `floored to ${p.keystrokeQuantumMs} ms`],
    ['clipboard', 'operation and size only, never content'],
  ];
}

/** What is dropped and why, from the configuration (and the opt-outs honoured, when known). */
export function droppedRows(config: WorktraceConfig, optOuts: number | null): (string | number)[][] {
  const p = config.policy;
  return [
    ['excluded roles', p.excludedRoles.join(', ') || 'none'],
    ['excluded apps', p.excludedApps.join(', ') || 'none'],
    ['excluded URL domains', p.excludedDomains.join(', ') || 'none'],
    ['opt-outs honoured (registry)', optOuts ?? 'see the records of processing'],
    ['sampling', p.samplingRate === 1 ? 'all user-days kept' : `${p.samplingRate * 100} % of user-days`],
    ['invalid records', `quarantined after scrubbing, kept ${config.quarantineRetentionDays} days`],
  ];
}

/** The region whose list prices the datasheet's estimate uses (cdk.json names no region). */
export const DATASHEET_COST_REGION = 'us-east-1';

/** The monthly AWS estimate for the configured volume, per component, and a line saying what it rests on. */
export function costSummary(config: WorktraceConfig): { rows: string[][]; note: string } {
  const estimate = estimateMonthlyCost({
    eventsPerDay: config.expectedEventsPerDay,
    region: DATASHEET_COST_REGION,
    prices: PRICES.regions[DATASHEET_COST_REGION],
    deployment: config,
  });
  return {
    rows: [
      ...COST_COMPONENTS.map((c) => [c, formatUsd(estimate.byComponent[c])]),
      ['total', formatUsd(estimate.totalUsd)],
    ],
    note: `For ${formatQuantity(config.expectedEventsPerDay)} events a day (\`expectedEventsPerDay\`), USD a month; ${priceSourcesLine(DATASHEET_COST_REGION)}. Line items and assumptions: \`worktrace cost --events-per-day ${config.expectedEventsPerDay}\` (docs/cost.md).${estimate.warnings.map((w) => ` Warning: ${w}.`).join('')}`,
  };
}

/** Renders the datasheet and the records of processing. */
export function renderGovernanceReport(
  config: WorktraceConfig,
  facts: LakeFacts,
  generatedAt: string,
): GovernanceReport {
  const collected = table(['what', 'how it is kept'], collectedRows(config));
  const dropped = table(['rule', 'configured'], droppedRows(config, facts.optOuts));
  const retention = table(['zone', 'retention'], retentionRows(config));
  const findingsTable = table(
    ['entity type', 'values replaced'],
    ENTITY_TYPES.filter((t) => (facts.findings[t] ?? 0) > 0).map((t) => [t, facts.findings[t] ?? 0]),
  );
  const training = table(
    ['item', 'value'],
    [
      ['episodes', facts.episodes],
      ...Object.entries(facts.views).map(([v, n]) => [`rows in view ${v}`, n] as [string, number]),
      ['k-anonymity of published statistics', config.kAnonymity],
      ['shortest published episode', `${config.viewMinSteps} steps`],
      ['quarantined records', facts.quarantined],
      ['policy versions in the data', facts.policyVersions.join(', ') || 'none'],
      ['key versions in the data', facts.keyVersions.join(', ') || 'none'],
    ],
  );
  const perDay = facts.eventsPerDay.map((d, i) => ({ minute: i, sent: d.events, findings: d.findings }));
  const volume = table(
    ['day', 'events', 'findings'],
    facts.eventsPerDay.map((d) => [d.dt, d.events, d.findings]),
  );
  const cost = costSummary(config);
  const costTable = table(['component', 'USD/month'], cost.rows);
  const title = `worktrace datasheet — stage ${config.stage}`;
  const datasheetSections = [
    { title: 'What is collected', html: collected.html },
    { title: 'What is dropped, and why', html: dropped.html },
    { title: 'Retention per zone', html: retention.html },
    {
      title: 'Volume per day',
      html: `${volumeChartSvg(perDay)}<p>Bars: events per day (x: days in order); line: findings.</p>${volume.html}`,
    },
    {
      title: 'Findings per entity type (values replaced by the scrubber)',
      html: `${findingsChartSvg(facts.findings)}${findingsTable.html}`,
    },
    { title: 'The training set', html: training.html },
    { title: 'Estimated AWS cost', html: `${costTable.html}<p>${esc(cost.note)}</p>` },
  ];
  const datasheet = {
    html: page(title, [...datasheetSections, { title: 'Generated', html: `<p>${esc(generatedAt)}</p>` }]),
    markdown: [
      `# ${title}`,
      '',
      `Generated ${generatedAt}.`,
      '',
      '## What is collected',
      collected.md,
      '',
      '## What is dropped, and why',
      dropped.md,
      '',
      '## Retention per zone',
      retention.md,
      '',
      '## Volume per day',
      volume.md,
      '',
      '## Findings per entity type',
      findingsTable.md,
      '',
      '## The training set',
      training.md,
      '',
      '## Estimated AWS cost',
      costTable.md,
      '',
      cost.note,
      '',
    ].join('\n'),
  };

  const records = table(
    ['item', 'record'],
    [
      ['controller / system', `worktrace pipeline, stack Worktrace-${config.stage}`],
      [
        'purpose',
        'produce AI training data (task trajectories) showing how work is done; workflow statistics',
      ],
      [
        'categories of data subjects',
        'employees whose workstations run the capture agent, except excluded roles and opted-out subjects',
      ],
      [
        'categories of personal data',
        'pseudonymised interaction telemetry: input events, app/window focus, UI element context, scrubbed typed text',
      ],
      [
        'special safeguards',
        'on-device secure-field drop and text coalescing; scrubbing of PII and secrets; pseudonyms (HMAC-SHA256, KMS-rooted key); k-anonymous statistics',
      ],
      [
        'recipients',
        `analysts assuming the analyst role${config.analystPrincipalArn ? ` (${config.analystPrincipalArn})` : ''}: curated zone and views only`,
      ],
      [
        'storage location',
        'S3 buckets of the deploying account and region, one customer-managed KMS key per zone',
      ],
      [
        'retention',
        retentionRows(config)
          .map(([z, r]) => `${z}: ${r}`)
          .join('; '),
      ],
      [
        'security measures',
        'KMS encryption with key rotation, TLS 1.2+ only, public access blocked, access logging, least-privilege roles, alarms',
      ],
      [
        'data subject rights',
        'erasure (`worktrace erase`, receipts in a write-once audit store), access (`worktrace export --user`), opt-out (`worktrace optout`)',
      ],
      ['redaction policy version', config.policy.version],
      [
        'deny-list terms and names configured',
        `${config.policy.denyTerms.length} terms, ${config.policy.names.length} names (values not shown)`,
      ],
    ],
  );
  const recordsTitle = `worktrace records of processing — stage ${config.stage}`;
  return {
    datasheet,
    records: {
      html: page(recordsTitle, [
        { title: 'Record', html: records.html },
        {
          title: 'Generated',
          html: `<p>${esc(generatedAt)} from the deployment configuration (cdk.json context)</p>`,
        },
      ]),
      markdown: `# ${recordsTitle}\n\nGenerated ${generatedAt} from the deployment configuration (cdk.json context).\n\n${records.md}\n`,
    },
  };
}
