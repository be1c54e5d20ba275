/**
 * What `worktrace view` does: reads one episode through training_trajectories (joined to episodes for the
 * recovery span), so an episode the views exclude (opted-out subject, past retention, too short) is not
 * found; renders it with local/viewer.ts and writes the page.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import { episodeOf } from '#core/export/rows.js';
import { EPISODE_ID_PATTERN, publishedEpisodeSql, renderEpisode } from '../../local/viewer.js';
import { withLocalLake } from './local-lake.js';
import type { ViewOptions } from './view.js';

/** An episode id that is not one, or an episode the training views do not publish. */
export class ViewError extends WorktraceError {
  override readonly name = 'ViewError';
  readonly code = ERROR_CODES.usage;
}

/** Writes the page of one episode; prints where it is and its size. */
export async function runView(episodeId: string, opts: ViewOptions): Promise<void> {
  // The value is not echoed: a mistyped argument may be anything, a raw id included.
  if (!EPISODE_ID_PATTERN.test(episodeId))
    throw new ViewError('episode_id must be 32 lower-case hex characters');
  const row = await withLocalLake(
    opts,
    async (lake) => (await lake.query(publishedEpisodeSql(`t.episode_id = '${episodeId}'`, 1))).rows[0],
  );
  if (!row) {
    throw new ViewError(
      `episode ${episodeId} not found in training_trajectories (unknown, opted out, past retention or too short)`,
    );
  }
  const html = renderEpisode(episodeOf(row));
  const out = opts.out ?? join(opts.dataDir, 'view', `${episodeId}.html`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, html);
  console.log(`wrote ${out} (${(Buffer.byteLength(html) / 1024).toFixed(1)} KB)`);
}
