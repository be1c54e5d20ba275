/** The registry of benchmark cases, in run order (the floor always runs first). */
import type { BenchCase } from '../harness.js';
import { endToEndCase } from './end-to-end.js';
import { exportCase } from './export.js';
import { produceCase } from './produce.js';
import { redactHandlerCase, redactTransformCase } from './redact.js';
import { redactionEvalCase } from './redaction-eval.js';
import { scalingCase } from './scaling.js';
import { scrubCase, scrubVersusRedactPii } from './scrub.js';
import { sequenceCase } from './sequence.js';
import { sequenceScaleCase } from './sequence-scale.js';
import { startupCase } from './startup.js';
import { validateCase } from './validate.js';

export { floorCase } from './floor.js';

export const CASES: readonly BenchCase[] = [
  validateCase,
  redactTransformCase,
  redactHandlerCase,
  scrubCase,
  scrubVersusRedactPii,
  redactionEvalCase,
  sequenceCase,
  produceCase,
  endToEndCase,
  exportCase,
  startupCase,
  scalingCase,
  sequenceScaleCase,
];
