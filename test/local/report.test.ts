import { describe, expect, it } from 'vitest';
import { episodeOf } from '#core/export/rows.js';
import { type DatasheetStats, renderReport, volumeChartSvg } from '../../local/report.js';

const stats: DatasheetStats = {
  stage: 'local',
  startedAt: '2026-11-02T09:00:00.000Z',
  durationMs: 12_345,
  users: 3,
  minutes: 2,
  policyVersion: 'p1',
  keyVersion: 'k1',
  generated: 250,
  invalidOnDevice: 1,
  droppedOnDevice: { excluded_app: 12, secure_text: 0 },
  sent: 100,
  written: 80,
  coalesced: 5,
  quarantined: 3,
  dropped: { opted_out: 10, excluded_app: 2, sampled_out: 0 },
  onFailure: 0,
  findings: { EMAIL: 7, CARD: 2 },
  windows: 4,
  sequenceShards: 4,
  lateEvents: 0,
  actions: 50,
  episodes: 9,
  actionTypes: { click: 20, type: 30 },
  perMinute: [
    { minute: 0, sent: 60, findings: 5 },
    { minute: 1, sent: 40, findings: 4 },
  ],
  stages: { produce: { wallMs: 10, cpuMs: 10 }, redact: { wallMs: 30, cpuMs: 30 } },
  views: { sft_examples: 42 },
  samples: [{ task_label: '<script>alert(1)</script>', step_count: 2 }],
};

describe('datasheet report', () => {
  it('renders self-contained HTML with escaped content and charts', () => {
    const { html } = renderReport(stats);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/(src|href)=|@import|url\(/);
    expect(html).toContain('reconciles exactly');
    expect(html).toContain('75%'); // redact's CPU share
  });

  it('renders the same tables in Markdown and flags counts that do not reconcile', () => {
    const { markdown } = renderReport({ ...stats, sent: 101 });
    expect(markdown).toContain('| **sent** | **101** |');
    expect(markdown).toContain('| dropped by policy: opted_out | 10 |');
    expect(markdown).not.toContain('sampled_out');
    expect(markdown).toContain('DOES NOT RECONCILE');
    expect(markdown).toContain('| EMAIL | 7 |');
    expect(markdown).toContain('| excluded_app | 12 |');
    expect(markdown).toContain('| rejected by the contract | 1 |');
  });

  it('links a viewer page per sample episode, relative to the report, in HTML and Markdown', () => {
    const id = 'ab'.repeat(16);
    const { html, markdown } = renderReport({
      ...stats,
      sampleEpisodes: [episodeOf({ episode_id: id, labels: ['error_recovery'], steps: [] })],
    });
    expect(html).toContain(`<a href="episodes/${id}.html"><code>${id}</code></a>: 0 steps · error_recovery`);
    expect(markdown).toContain(`- [${id}](episodes/${id}.html): 0 steps · error_recovery`);
    expect(() =>
      renderReport({ ...stats, sampleEpisodes: [episodeOf({ episode_id: '../x', steps: [] })] }),
    ).toThrow(TypeError);
  });

  it('draws one bar per minute scaled to the busiest minute', () => {
    const svg = volumeChartSvg(stats.perMinute, 248, 220);
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toEqual([176, expect.closeTo(117.3, 1)]);
  });
});
