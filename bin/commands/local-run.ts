/** What `worktrace local` does: starts the emulators, runs the pipeline, prints and writes the report. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { parseConfig } from '../../lib/config.js';
import { episodePagePath, renderReport } from '../../local/report.js';
import {
  type LocalRunStats,
  type LocalStack,
  runLocalPipeline,
  settingsFromConfig,
  startLocalStack,
} from '../../local/runtime.js';
import { renderEpisode } from '../../local/viewer.js';
import { simulatedWorkload } from '../../local/workload.js';
import { loadKeyAndPolicy } from './key-and-policy.js';
import type { LocalOptions } from './local.js';

function positiveInt(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new Error(`--${name} must be an integer from 1 to ${max}`);
  return n;
}

function port(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`--${name} must be a port number (0 = free)`);
  return n;
}

/** The text summary printed after a run. */
export function formatSummary(s: LocalRunStats, reportDir: string): string {
  const dropped = Object.entries(s.dropped)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const droppedTotal = Object.values(s.dropped).reduce((a, b) => a + b, 0);
  const findings = Object.entries(s.findings)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const onDevice = Object.entries(s.droppedOnDevice)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const lines = [
    `agents    ${s.generated} raw events captured · kept on device by policy: ${onDevice || 'none'} · invalid ${s.invalidOnDevice}`,
    `events    sent ${s.sent} · written ${s.written + s.coalesced} · quarantined ${s.quarantined} · dropped by policy ${droppedTotal}${dropped ? ` (${dropped})` : ''} · on-failure ${s.onFailure}`,
    `findings  ${findings || 'none'}`,
    `curated   ${s.windows} windows · ${s.actions} actions · ${s.episodes} episodes`,
    `views     ${Object.entries(s.views)
      .map(([k, n]) => `${k} ${n}`)
      .join(' · ')}`,
    'sft_examples (3 sample rows, DuckDB)',
    ...s.samples.map((r) => `  ${JSON.stringify(r)}`),
    `report    ${join(reportDir, 'report.html')} (and report.md, ${s.sampleEpisodes.length} episode pages)`,
    `time      ${(s.durationMs / 1000).toFixed(1)} s`,
  ];
  return lines.join('\n');
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (sig: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(sig);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

/** Runs the pipeline, prints the summary, writes the report; with --keep, waits for Ctrl-C. */
export async function runLocal(opts: LocalOptions): Promise<void> {
  const users = positiveInt('users', opts.users, 10_000);
  const minutes = positiveInt('minutes', opts.minutes, 900);
  const { policy: basePolicy, keyProvider } = loadKeyAndPolicy(opts);
  // The same deployment configuration the stack reads (cdk.json context), for the mapping and sequencer.
  const context = existsSync('cdk.json')
    ? ((JSON.parse(readFileSync('cdk.json', 'utf8')) as { context?: Record<string, unknown> }).context ?? {})
    : {};
  const settings = settingsFromConfig(parseConfig(context));
  const stack: LocalStack = await startLocalStack({
    dataDir: opts.dataDir,
    stage: opts.stage,
    shards: opts.shards ? positiveInt('shards', opts.shards, 64) : Math.max(2, settings.shards),
    kinesisPort: port('kinesis-port', opts.kinesisPort),
    s3Port: port('s3-port', opts.s3Port),
  });
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    console.error('\nworktrace: interrupted, shutting down');
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  try {
    const day = 86_400_000;
    const startMs = Math.floor(Date.now() / day) * day + 8 * 3_600_000;
    const workload = simulatedWorkload({ users, minutes, startMs });
    const policy = basePolicy;
    // One user opts out in the server-side registry only: the pipeline drops what their device still sends.
    const serverOptOutUsers = workload.userIds.slice(0, users >= 3 ? 1 : 0);
    console.log(
      `worktrace local: ${users} users × ${minutes} simulated minutes → stream ${stack.streamName} (kinesalite ${stack.kinesis.endpoint}), buckets on s3rver ${stack.s3.endpoint}`,
    );
    const bar = process.stderr.isTTY
      ? new SingleBar({
          format:
            'minutes {bar} {value}/{total} | sent {sent} written {written} quarantined {quarantined} dropped {dropped} episodes {episodes}',
          hideCursor: true,
          clearOnComplete: true,
        })
      : undefined;
    bar?.start(minutes, 0, { sent: 0, written: 0, quarantined: 0, dropped: 0, episodes: 0 });
    const stats = await runLocalPipeline(stack, {
      workload,
      users,
      minutes,
      startMs,
      policy,
      keyProvider,
      serverOptOutUsers,
      poller: settings.poller,
      // Shard jobs in worker threads, one per core (at most 4), as Lambda runs them side by side.
      sequencer: { ...settings.sequencer, workers: Math.max(1, Math.min(4, availableParallelism())) },
      viewParams: settings.viewParams,
      onProgress: (p) => bar?.update(p.minute, { ...p }),
    });
    bar?.stop();
    const reportDir = join(stack.dataDir, 'report');
    mkdirSync(reportDir, { recursive: true });
    const report = renderReport(stats);
    writeFileSync(join(reportDir, 'report.html'), report.html);
    writeFileSync(join(reportDir, 'report.md'), report.markdown);
    mkdirSync(join(reportDir, 'episodes'), { recursive: true });
    for (const e of stats.sampleEpisodes) {
      writeFileSync(join(reportDir, episodePagePath(e.episode_id)), renderEpisode(e));
    }
    // The episodes are in their pages; stats.json keeps counts (and the ids).
    const sampleEpisodes = stats.sampleEpisodes.map((e) => e.episode_id);
    writeFileSync(
      join(reportDir, 'stats.json'),
      `${JSON.stringify({ ...stats, sampleEpisodes }, null, 2)}\n`,
    );
    console.log(formatSummary(stats, reportDir));
    if (opts.keep) {
      console.log('\nemulators left running; in another shell:');
      for (const [k, v] of Object.entries(stack.env)) console.log(`  export ${k}=${v}`);
      console.log(`  (stream ${stack.streamName}; buckets ${Object.values(stack.buckets).join(', ')})`);
      console.log('Ctrl-C stops them.');
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      await waitForSignal();
    }
  } finally {
    if (!interrupted) {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      await stack.stop();
    }
  }
}
