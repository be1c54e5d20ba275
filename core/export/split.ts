/**
 * User-disjoint train/validation/test splits. A user's split is a function of their pseudonym alone (a
 * SHA-256 of it, read as a fraction of 2^32), so every episode of one person lands in one split, on every
 * engine and in every run, and adding users never moves the others. Pseudonyms are per key version: after a
 * pseudonym-key rotation the same person has a new pseudonym, which may fall into another split (export one
 * key version, or re-key the lake first, when that matters).
 */
import { createHash } from 'node:crypto';
import { ERROR_CODES, WorktraceError } from '../errors.js';

/** The split names, in Hugging Face's order. */
export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** Percentages per split, summing to 100. */
export type SplitRatios = Readonly<Record<SplitName, number>>;

/** Everything in train: the layout of an export without `--split`. */
export const NO_SPLIT: SplitRatios = { train: 100, validation: 0, test: 0 };

/** A split specification that is not three whole percentages summing to 100. */
export class SplitSpecError extends WorktraceError {
  override readonly name = 'SplitSpecError';
  readonly code = ERROR_CODES.export;
}

/** Parses `80/10/10` (train/validation/test percentages, whole numbers summing to 100). */
export function parseSplit(spec: string): SplitRatios {
  const parts = spec.split('/');
  if (parts.length !== 3 || parts.some((p) => !/^\d{1,3}$/.test(p.trim()))) {
    throw new SplitSpecError('--split takes three whole percentages, train/validation/test, e.g. 80/10/10');
  }
  const [train, validation, test] = parts.map((p) => Number(p)) as [number, number, number];
  if (train + validation + test !== 100) {
    throw new SplitSpecError(`--split percentages must sum to 100, got ${train + validation + test}`);
  }
  if (train === 0) throw new SplitSpecError('--split needs a train share above 0');
  return { train, validation, test };
}

/** The position of a pseudonym on [0, 1): the first 32 bits of SHA-256("worktrace-split" ␟ pseudonym). */
export function splitPoint(pseudonym: string): number {
  const digest = createHash('sha256').update(`worktrace-split\u001f${pseudonym}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** The split a user's episodes go to. */
export function splitOf(pseudonym: string, ratios: SplitRatios): SplitName {
  const p = splitPoint(pseudonym) * 100;
  if (p < ratios.train) return 'train';
  if (p < ratios.train + ratios.validation) return 'validation';
  return 'test';
}

/** Counts one split reports: users, episodes, steps and output records. */
export interface SplitCounts {
  users: number;
  episodes: number;
  steps: number;
  records: number;
}

/** Per-split counts of output records, with distinct users and episodes. */
export class SplitTally {
  private readonly users: Record<SplitName, Set<string>> = {
    train: new Set(),
    validation: new Set(),
    test: new Set(),
  };
  private readonly episodes: Record<SplitName, Set<string>> = {
    train: new Set(),
    validation: new Set(),
    test: new Set(),
  };
  readonly counts: Record<SplitName, SplitCounts> = {
    train: { users: 0, episodes: 0, steps: 0, records: 0 },
    validation: { users: 0, episodes: 0, steps: 0, records: 0 },
    test: { users: 0, episodes: 0, steps: 0, records: 0 },
  };

  /** Counts one output record: a user's episode (or one step of it) holding `steps` steps. */
  add(split: SplitName, pseudonym: string, episodeId: string, steps: number): void {
    this.users[split].add(pseudonym);
    this.episodes[split].add(episodeId);
    const c = this.counts[split];
    c.users = this.users[split].size;
    c.episodes = this.episodes[split].size;
    c.steps += steps;
    c.records += 1;
  }
}
