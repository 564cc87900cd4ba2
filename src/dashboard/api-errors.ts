/** What the HTTP API answers for an error: a status that fits and `{ "error": { "code", "message" } }`. */
import { ServerUnreachableError } from '../connection';
import { DuplicateJobError, InvalidJobInputError, JobFinishedError, JobNotFoundError } from '../errors';
import { NoWorkerAnsweredError } from '../client/workflow-reads';
import { payloadTooLarge } from '../jobs/options';

export interface ApiError {
  status: number;
  code: string;
  message: string;
}

/** gRPC codes that mean the Temporal server cannot answer now. */
const UNAVAILABLE = new Set([14 /* UNAVAILABLE */, 4 /* DEADLINE_EXCEEDED */]);

export function apiErrorOf(err: unknown): ApiError {
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const validation = (err as { validation?: ValidationProblem[] }).validation;
  if (validation)
    return { status: 400, code: 'bad_request', message: validationMessage(err as Error, validation) };
  if (err instanceof InvalidJobInputError) return { status: 400, code: 'bad_request', message };
  if (err instanceof JobNotFoundError) return { status: 404, code: 'not_found', message };
  if (err instanceof DuplicateJobError) return { status: 409, code: 'duplicate', message };
  if (err instanceof JobFinishedError) return { status: 409, code: 'finished', message };
  if (err instanceof NoWorkerAnsweredError) return { status: 503, code: 'no_worker', message };
  if (err instanceof ServerUnreachableError || isUnavailable(err))
    return { status: 503, code: 'no_server', message: `The Temporal server cannot be reached: ${message}` };
  if (err instanceof ReadTimeoutError) return { status: 503, code: 'no_server', message };
  if (err instanceof BusyError) return { status: 503, code: 'busy', message };
  if ((err as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return {
      status: 413,
      code: 'too_large',
      message: payloadTooLarge("The root's payload", MAX_BODY_BYTES, true),
    };
  const statusCode = (err as { statusCode?: number }).statusCode;
  if (statusCode && statusCode >= 400 && statusCode < 500)
    return { status: statusCode, code: 'bad_request', message }; // Fastify's own (a body that is not JSON…)
  return { status: 500, code: 'internal', message };
}

/** A read the Temporal server did not answer in time (see api-routes.ts). */
export class ReadTimeoutError extends Error {
  override readonly name = 'ReadTimeoutError';
}

/** A limit of the dashboard's own (reads in flight, views, streams) is reached: try again later. */
export class BusyError extends Error {
  override readonly name = 'BusyError';
}

/** The most of a request body the API reads; what it holds is then checked as the client checks it. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

interface ValidationProblem {
  keyword: string;
  params?: { additionalProperty?: string };
}

/** Fastify's message, naming the property it refuses ("body must NOT have additional properties"). */
function validationMessage(err: Error, problems: ValidationProblem[]): string {
  const extra = problems.find((problem) => problem.keyword === 'additionalProperties')?.params
    ?.additionalProperty;
  return extra ? `${err.message} ("${extra}")` : err.message;
}

function isUnavailable(err: unknown): boolean {
  for (let at: unknown = err, depth = 0; at && depth < 4; depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'number' && UNAVAILABLE.has(code)) return true;
    at = (at as { cause?: unknown }).cause;
  }
  return false;
}
