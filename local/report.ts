/**
 * The datasheet report: a pure function from a stats object to a self-contained HTML page (inline SVG
 * charts, inline CSS, no external assets) and a Markdown twin. `worktrace local` writes it after a run;
 * other commands can render it from any source of the same stats.
 */

import { EPISODE_ID_PATTERN, type ViewerEpisode } from './viewer.js';

/** Counts a datasheet shows (no content beyond scrubbed sample rows). */
export interface DatasheetStats {
  readonly stage: string;
  /** Start of the data covered (ISO). */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly users: number;
  readonly minutes: number;
  readonly policyVersion: string;
  readonly keyVersion: string;
  /** Raw events the capture side generated. */
  readonly generated: number;
  /** Events the agent rejected by the contract (never sent). */
  readonly invalidOnDevice: number;
  /** Events (or typed keys) the agent kept on the device, per reason. */
  readonly droppedOnDevice: Readonly<Record<string, number>>;
  /** Events that reached the stream (after on-device privacy and typing coalescing). */
  readonly sent: number;
  readonly written: number;
  readonly coalesced: number;
  readonly quarantined: number;
  readonly dropped: Readonly<Record<string, number>>;
  readonly onFailure: number;
  readonly findings: Readonly<Record<string, number>>;
  readonly windows: number;
  /** Sequence shards each window was split into (one job per window × shard). */
  readonly sequenceShards: number;
  /**
   * Events that landed after the window × shard that should have fed them was sequenced; each such
   * window × shard was queued and re-sequenced with the windows after it (docs/sequencing.md).
   */
  readonly lateEvents: number;
  readonly actions: number;
  readonly episodes: number;
  readonly actionTypes: Readonly<Record<string, number>>;
  readonly perMinute: readonly { minute: number; sent: number; findings: number }[];
  readonly stages: Readonly<Record<string, { wallMs: number; cpuMs: number }>>;
  /** Rows per training-set view (the registered views, run on DuckDB or Athena). */
  readonly views: Readonly<Record<string, number>>;
  /** Scrubbed sample rows of the sft_examples view. */
  readonly samples: readonly Record<string, unknown>[];
  /** A few episodes as the training views publish them; each gets a viewer page linked from the datasheet. */
  readonly sampleEpisodes?: readonly ViewerEpisode[];
}

/** Where an episode's viewer page goes, relative to the report (ids are checked: they become file names). */
export function episodePagePath(episodeId: string): string {
  if (!EPISODE_ID_PATTERN.test(episodeId)) throw new TypeError('not an episode id');
  return `episodes/${episodeId}.html`;
}

/** One line about a sample episode: steps and labels (vocabulary only, no captured text). */
function episodeSummary(e: ViewerEpisode): string {
  return `${e.steps.length} steps · ${e.labels?.length ? e.labels.join(', ') : 'no labels'}`;
}

/** A rendered report. */
export interface RenderedReport {
  readonly html: string;
  readonly markdown: string;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sum(r: Readonly<Record<string, number>>): number {
  return Object.values(r).reduce((a, b) => a + b, 0);
}

function sorted(r: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(r)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Volume bars (events sent per minute) with a findings line on a second scale. */
export function volumeChartSvg(perMinute: DatasheetStats['perMinute'], width = 720, height = 220): string {
  const pad = { l: 48, r: 48, t: 16, b: 28 };
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const maxSent = Math.max(1, ...perMinute.map((p) => p.sent));
  const maxFind = Math.max(1, ...perMinute.map((p) => p.findings));
  const bw = perMinute.length > 0 ? w / perMinute.length : w;
  const bars = perMinute
    .map((p, i) => {
      const bh = (p.sent / maxSent) * h;
      return `<rect x="${(pad.l + i * bw + bw * 0.1).toFixed(1)}" y="${(pad.t + h - bh).toFixed(1)}" width="${Math.max(1, bw * 0.8).toFixed(1)}" height="${bh.toFixed(1)}" fill="#4e79a7"><title>minute ${p.minute}: ${p.sent} events</title></rect>`;
    })
    .join('');
  const points = perMinute
    .map(
      (p, i) =>
        `${(pad.l + i * bw + bw / 2).toFixed(1)},${(pad.t + h - (p.findings / maxFind) * h).toFixed(1)}`,
    )
    .join(' ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Events per minute and findings per minute">`,
    `<line x1="${pad.l}" y1="${pad.t + h}" x2="${pad.l + w}" y2="${pad.t + h}" stroke="#888"/>`,
    bars,
    perMinute.length > 1
      ? `<polyline points="${points}" fill="none" stroke="#e15759" stroke-width="2"/>`
      : '',
    `<text x="4" y="${pad.t + 10}" font-size="11" fill="#4e79a7">${maxSent}</text>`,
    `<text x="4" y="${pad.t + h}" font-size="11" fill="#4e79a7">0</text>`,
    `<text x="${pad.l + w + 4}" y="${pad.t + 10}" font-size="11" fill="#e15759">${maxFind}</text>`,
    `<text x="${pad.l}" y="${height - 8}" font-size="11" fill="#333">events per simulated minute (bars) · findings per minute (line) · ${perMinute.length} minutes</text>`,
    '</svg>',
  ].join('');
}

/** Horizontal bars of findings per entity type. */
export function findingsChartSvg(findings: Readonly<Record<string, number>>, width = 720): string {
  const rows = sorted(findings);
  const rowH = 22;
  const height = Math.max(1, rows.length) * rowH + 8;
  const max = Math.max(1, ...rows.map(([, n]) => n));
  const label = 150;
  const bars = rows
    .map(([type, n], i) => {
      const bw = (n / max) * (width - label - 60);
      const y = 4 + i * rowH;
      return `<text x="0" y="${y + 15}" font-size="12">${esc(type)}</text><rect x="${label}" y="${y + 3}" width="${bw.toFixed(1)}" height="${rowH - 6}" fill="#e15759"/><text x="${(label + bw + 4).toFixed(1)}" y="${y + 15}" font-size="12">${n}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Findings per entity type">${bars}</svg>`;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The outcome table rows: where every sent event went. */
function outcomes(s: DatasheetStats): [string, number][] {
  return [
    ['written to events zone', s.written],
    ['coalesced into text rows', s.coalesced],
    ['quarantined (scrubbed)', s.quarantined],
    ...sorted(s.dropped).map(([k, n]): [string, number] => [`dropped by policy: ${k}`, n]),
    ['on-failure destination', s.onFailure],
  ];
}

/** The late-event sentence of the curated-zone section. */
function lateLine(s: DatasheetStats): string {
  return s.lateEvents === 0
    ? 'Late events: none (no event landed after its window was sequenced).'
    : `Late events: ${s.lateEvents} landed after their window was sequenced; their windows were re-sequenced.`;
}

function reconciles(s: DatasheetStats): boolean {
  return s.sent === s.written + s.coalesced + s.quarantined + sum(s.dropped) + s.onFailure;
}

/** Renders the datasheet as HTML and Markdown. */
export function renderReport(s: DatasheetStats): RenderedReport {
  const title = `worktrace datasheet — stage ${s.stage}`;
  const totalCpu = sum(Object.fromEntries(Object.entries(s.stages).map(([k, v]) => [k, v.cpuMs])));
  const stageRows = Object.entries(s.stages).map(([k, v]) => [
    k,
    `${Math.round(v.wallMs)} ms`,
    `${Math.round(v.cpuMs)} ms`,
    `${totalCpu > 0 ? Math.round((v.cpuMs / totalCpu) * 100) : 0}%`,
  ]);
  const sampleCols = s.samples[0] ? Object.keys(s.samples[0]) : [];
  const recon = reconciles(s) ? 'reconciles exactly' : 'DOES NOT RECONCILE';
  const episodes = s.sampleEpisodes ?? [];

  const md = [
    `# ${title}`,
    '',
    `Data from ${s.startedAt}: ${s.users} users over ${s.minutes} simulated minutes. Policy \`${s.policyVersion}\`, pseudonym key \`${s.keyVersion}\`. Run time ${(s.durationMs / 1000).toFixed(1)} s.`,
    '',
    '## On the devices',
    '',
    `${s.generated} raw events captured; ${s.sent} sent to the stream after on-device privacy and typing coalescing (printable keys travel only as field-level text).`,
    '',
    '| kept on the device | events |',
    '| --- | ---: |',
    ...sorted(s.droppedOnDevice).map(([k, n]) => `| ${k} | ${n} |`),
    `| rejected by the contract | ${s.invalidOnDevice} |`,
    '',
    '## Where every event sent went',
    '',
    '| outcome | events |',
    '| --- | ---: |',
    `| **sent** | **${s.sent}** |`,
    ...outcomes(s).map(([k, n]) => `| ${k} | ${n} |`),
    '',
    `Accounting: ${recon} (sent = written + coalesced + quarantined + dropped + on-failure).`,
    '',
    '## Findings per entity type (scrubbed before storage)',
    '',
    '| entity type | findings |',
    '| --- | ---: |',
    ...sorted(s.findings).map(([k, n]) => `| ${k} | ${n} |`),
    '',
    '## Curated zone',
    '',
    `${s.windows} sequencer windows × ${s.sequenceShards} shards, ${s.actions} actions, ${s.episodes} episodes. ${lateLine(s)}`,
    '',
    '| action type | count |',
    '| --- | ---: |',
    ...sorted(s.actionTypes).map(([k, n]) => `| ${k} | ${n} |`),
    '',
    '## Training-set views',
    '',
    '| view | rows |',
    '| --- | ---: |',
    ...Object.entries(s.views).map(([k, n]) => `| ${k} | ${n} |`),
    '',
    '## Sample sft_examples rows (scrubbed, pseudonymised)',
    '',
    ...(sampleCols.length > 0
      ? [
          `| ${sampleCols.join(' | ')} |`,
          `| ${sampleCols.map(() => '---').join(' | ')} |`,
          ...s.samples.map(
            (r) => `| ${sampleCols.map((c) => cell(r[c]).replaceAll('|', '\\|')).join(' | ')} |`,
          ),
        ]
      : ['(none)']),
    '',
    '## Sample episodes (viewer pages)',
    '',
    ...(episodes.length > 0
      ? episodes.map((e) => `- [${e.episode_id}](${episodePagePath(e.episode_id)}): ${episodeSummary(e)}`)
      : ['(none)']),
    '',
    '## Cost per stage',
    '',
    '| stage | wall | CPU | CPU share |',
    '| --- | ---: | ---: | ---: |',
    ...stageRows.map((r) => `| ${r.join(' | ')} |`),
    '',
    'Charts: see report.html (events per minute with findings; findings per entity type).',
    '',
  ].join('\n');

  const table = (head: string[], rows: (string | number)[][]) =>
    `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:780px;margin:2em auto;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
td:last-child{text-align:right}.ok{color:#2a7}.bad{color:#c22}h2{margin-top:1.6em}</style></head>
<body><h1>${esc(title)}</h1>
<p>Data from ${esc(s.startedAt)}: ${s.users} users over ${s.minutes} simulated minutes. Policy <code>${esc(s.policyVersion)}</code>, pseudonym key <code>${esc(s.keyVersion)}</code>. Run time ${(s.durationMs / 1000).toFixed(1)} s.</p>
<h2>Volume and findings</h2>${volumeChartSvg(s.perMinute)}
<h2>On the devices</h2><p>${s.generated} raw events captured; ${s.sent} sent to the stream after on-device privacy and typing coalescing (printable keys travel only as field-level text).</p>
${table(['kept on the device', 'events'], [...sorted(s.droppedOnDevice), ['rejected by the contract', s.invalidOnDevice]])}
<h2>Where every event sent went</h2>${table(['outcome', 'events'], [['sent', s.sent], ...outcomes(s)])}
<p class="${reconciles(s) ? 'ok' : 'bad'}">Accounting: ${recon} (sent = written + coalesced + quarantined + dropped + on-failure).</p>
<h2>Findings per entity type</h2>${findingsChartSvg(s.findings)}
<h2>Curated zone</h2><p>${s.windows} sequencer windows × ${s.sequenceShards} shards, ${s.actions} actions, ${s.episodes} episodes. ${esc(lateLine(s))}</p>
${table(['action type', 'count'], sorted(s.actionTypes))}
<h2>Training-set views</h2>${table(['view', 'rows'], Object.entries(s.views))}
<h2>Sample sft_examples rows (scrubbed, pseudonymised)</h2>${
    sampleCols.length > 0
      ? table(
          sampleCols,
          s.samples.map((r) => sampleCols.map((c) => cell(r[c]))),
        )
      : '<p>(none)</p>'
  }
<h2>Sample episodes</h2>${
    episodes.length > 0
      ? `<ul>${episodes
          .map(
            (e) =>
              `<li><a href="${episodePagePath(e.episode_id)}"><code>${esc(e.episode_id)}</code></a>: ${esc(episodeSummary(e))}</li>`,
          )
          .join('')}</ul>`
      : '<p>(none)</p>'
  }
<h2>Cost per stage</h2>${table(['stage', 'wall', 'CPU', 'CPU share'], stageRows)}
</body></html>
`;
  return { html, markdown: md };
}
