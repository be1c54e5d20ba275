/**
 * Logger, metrics and tracer of one function under one service name (the `service` dimension of its
 * metrics, the `service` field of its logs, the X-Ray service). Handlers log and count; they never put
 * event content into either.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';

/** Namespace of the functions' custom metrics (the stack's alarms and dashboard read it). */
export const METRICS_NAMESPACE = 'worktrace';

/** The pipeline's functions, each a folder under lambdas/ and a telemetry service of the same name. */
export const SERVICES = ['redact', 'sequence', 'erase', 'canary', 'pseudonym-key'] as const;
/** One of the pipeline's functions. */
export type Service = (typeof SERVICES)[number];

/** Where app code logs (Powertools Logger in Lambda, anything with these methods elsewhere). */
export interface LogSink {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** A function's logger, metrics and tracer. */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
}

/** Logger, metrics and tracer of `service`, all with the same service name. */
export function telemetry(service: Service): Telemetry {
  return {
    logger: new Logger({ serviceName: service }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service }),
    tracer: new Tracer({ serviceName: service }),
  };
}

/**
 * Wraps a function's app in the same middleware everywhere: the tracer (timing and errors, never the
 * handler's answer: erase answers with a subject's pseudonym, the data-key function with key
 * ciphertext), the Lambda context on every log line, and metrics flushed after each call with a
 * cold-start metric.
 */
export function withTelemetry<E, R>(app: (event: E) => Promise<R>, { logger, metrics, tracer }: Telemetry) {
  return middy(app)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
