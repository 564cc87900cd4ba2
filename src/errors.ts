/** Errors the job engine's users can catch by class. */

/** A processor throws this to fail its job at once, without retries. */
export class NonRetryableJobError extends Error {
  /** `'NonRetryableJobError'`: tells the error apart where classes do not survive (logs, other realms). */
  override readonly name = 'NonRetryableJobError';
}

/** Another owner's root with this name is still open (Oro's DuplicateJobException, but never silent). */
export class DuplicateJobError extends Error {
  /** `'DuplicateJobError'`: tells the error apart where classes do not survive (logs, other realms). */
  override readonly name = 'DuplicateJobError';
  constructor(
    /** The name asked for. */
    readonly jobName: string,
    /** The owner id of the open root of that name, when known. */
    readonly openOwnerId: string | undefined,
    /** When that root started, when known. */
    readonly openSince: Date | undefined,
  ) {
    super(
      `A root job named "${jobName}" is already open (owner ${openOwnerId ?? 'unknown'}, started ` +
        `${openSince?.toISOString() ?? 'at an unknown time'}); it must finish, or be interrupted, before another starts.`,
    );
  }
}

/** No job has this id (no root of that name, or no child of that name in its root). */
export class JobNotFoundError extends Error {
  /** `'JobNotFoundError'`: tells the error apart where classes do not survive (logs, other realms). */
  override readonly name = 'JobNotFoundError';
  constructor(
    /** The id asked for. */
    readonly jobId: string,
    message = `No job with id "${jobId}".`,
  ) {
    super(message);
  }
}

/** Bad input to the engine: an unknown topic, a payload its topic rejects, an invalid option. */
export class InvalidJobInputError extends Error {
  /** `'InvalidJobInputError'`: tells the error apart where classes do not survive (logs, other realms). */
  override readonly name = 'InvalidJobInputError';
}

/** A change that needs an open root (pause, resume, scale) asked of one that has finished. */
export class JobFinishedError extends Error {
  /** `'JobFinishedError'`: tells the error apart where classes do not survive (logs, other realms). */
  override readonly name = 'JobFinishedError';
  constructor(
    /** The root asked to change. */
    readonly jobId: string,
    /** Its final status. */
    readonly status: string,
  ) {
    super(`Job "${jobId}" has already finished (${status}); only an open root job can be changed.`);
  }
}
