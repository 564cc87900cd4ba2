/** Whether a call to the server ran out of time: shared by status reads and the changes made to a root. */

/** gRPC status codes a call ends with when nothing answered it in time. */
const DEADLINE_EXCEEDED = 4;
const CANCELLED = 1;

/**
 * The call ran out of time: our deadline passed, or the server gave up at it first. A busy server may answer
 * CANCELLED ("context canceled") rather than DEADLINE_EXCEEDED; nothing else cancels these calls.
 */
export function isDeadlineExceeded(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } })?.cause;
  const code = (err as { code?: unknown })?.code ?? cause?.code;
  if (code === DEADLINE_EXCEEDED || code === CANCELLED) return true;
  const text = `${(err as Error)?.message ?? ''} ${String(cause ?? '')}`;
  return /deadline|context canceled/i.test(text);
}
