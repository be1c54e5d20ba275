/** The cost estimate as text: an aligned table for a terminal, Markdown for docs and the datasheet, or JSON. */
import type { CostEstimate, CostLine } from './model.js';
import { PRICES } from './prices.js';

/** Output formats of `worktrace cost`. */
export const COST_FORMATS = ['table', 'markdown', 'json'] as const;
/** One output format. */
export type CostFormat = (typeof COST_FORMATS)[number];

/** The table's columns. */
export const COST_COLUMNS = ['component', 'line item', 'quantity', 'unit price', 'USD/month'] as const;

/** A quantity with about four significant digits, thousands separated. */
export function formatQuantity(n: number): string {
  if (n === 0) return '0';
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumSignificantDigits: 4 });
}

/** Dollars with cents; amounts under a cent show as `<0.01`. */
export function formatUsd(n: number): string {
  if (n > 0 && n < 0.005) return '<0.01';
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A unit price with the digits it needs. */
function formatUnitPrice(n: number): string {
  return `$${n.toLocaleString('en-US', { maximumSignificantDigits: 6 })}`;
}

/** The rows of the table: one per line item (alternatives' dollars in brackets, not totalled) and the total. */
export function costRows(estimate: CostEstimate): string[][] {
  const row = (l: CostLine) => [
    l.component,
    l.item,
    `${formatQuantity(l.quantity)} ${l.unit}`,
    formatUnitPrice(l.unitPriceUsd),
    l.inTotal ? formatUsd(l.usd) : `(${formatUsd(l.usd)})`,
  ];
  return [...estimate.lines.map(row), ['total', '', '', '', formatUsd(estimate.totalUsd)]];
}

/** The first line: volume, region and users. */
export function costHeadline(estimate: CostEstimate): string {
  return `worktrace cost: ${formatQuantity(estimate.eventsPerDay)} events a day (${formatQuantity(estimate.eventsPerMonth)} a month) × ${formatQuantity(estimate.bytesPerEvent)} bytes, ${formatQuantity(estimate.users)} users, ${estimate.region}`;
}

/** Where the prices come from, in one line. */
export function priceSourcesLine(region: string): string {
  return `prices: ${region} AWS list prices as of ${PRICES.asOf} (check before use); sources: ${PRICES.sources.join(', ')}`;
}

/** Renders the estimate in a format. */
export function renderCost(estimate: CostEstimate, format: CostFormat): string {
  if (format === 'json')
    return `${JSON.stringify({ ...estimate, prices: { asOf: PRICES.asOf, note: PRICES.note, sources: PRICES.sources } }, null, 2)}\n`;
  const rows = costRows(estimate);
  const notes = [
    ...estimate.warnings.map((w) => `warning: ${w}`),
    priceSourcesLine(estimate.region),
    'assumptions:',
    ...estimate.assumptions.map((a) => `  - ${a}`),
  ];
  if (format === 'markdown') {
    const md = [
      `| ${COST_COLUMNS.join(' | ')} |`,
      `| --- | --- | ---: | ---: | ---: |`,
      ...rows.map((r, i) =>
        i === rows.length - 1 ? `| **total** | | | | **${r[4]}** |` : `| ${r.join(' | ')} |`,
      ),
    ];
    const mdNotes = [
      ...estimate.warnings.map((w) => `- **warning**: ${w}`),
      ...(estimate.warnings.length > 0 ? [''] : []),
      `${priceSourcesLine(estimate.region)}.`,
      '',
      'Assumptions:',
      '',
      ...estimate.assumptions.map((a) => `- ${a}`),
    ];
    return `${[costHeadline(estimate), '', ...md, '', ...mdNotes].join('\n')}\n`;
  }
  const all = [[...COST_COLUMNS], ...rows];
  const widths = COST_COLUMNS.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const right = new Set([2, 3, 4]);
  const text = all.map((r) =>
    r
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  return `${[costHeadline(estimate), ...text, ...notes].join('\n')}\n`;
}
