/** Errors the job engine's users can catch by class. */

/** A processor throws this to fail its job at once, without retries. */
export class NonRetryableJobError extends Error {
  override readonly name = 'NonRetryableJobError';
}

/** Another owner's root with this name is still open (Oro's DuplicateJobException, but never silent). */
export class DuplicateJobError extends Error {
  override readonly name = 'DuplicateJobError';
  constructor(
    readonly jobName: string,
    readonly openOwnerId: string | undefined,
    readonly openSince: Date | undefined,
  ) {
    super(
      `A root job named "${jobName}" is already open (owner ${openOwnerId ?? 'unknown'}, started ` +
        `${openSince?.toISOString() ?? 'at an unknown time'}); it must finish, or be interrupted, before another starts.`,
    );
  }
}

export class JobNotFoundError extends Error {
  override readonly name = 'JobNotFoundError';
  constructor(
    readonly jobId: string,
    message = `No job with id "${jobId}".`,
  ) {
    super(message);
  }
}

/** Bad input to the engine: an unknown topic, a payload its topic rejects, an invalid option. */
export class InvalidJobInputError extends Error {
  override readonly name = 'InvalidJobInputError';
}

/** A change that needs an open root (pause, resume, scale) asked of one that has finished. */
export class JobFinishedError extends Error {
  override readonly name = 'JobFinishedError';
  constructor(
    readonly jobId: string,
    readonly status: string,
  ) {
    super(`Job "${jobId}" has already finished (${status}); only an open root job can be changed.`);
  }
}
