/**
 * A root's record travels in every continue-as-new (with the root's input, payload included) and in its
 * result. Alike ended batches are written once there (batch-runs.ts), but each batch that differs (open, with
 * failed or cancelled children, rerun) adds a summary of about 170 bytes. Temporal refuses a payload over
 * 2 MiB (input and record together), and a root whose continue-as-new is refused would fail its workflow task
 * for ever; so a root stops planning, saying why, before its record could outgrow that. Pure: used by the
 * root workflow with its record in that written form.
 */
import { jsonBytes } from './options';

/**
 * What a continue-as-new may carry, input and record together: the server checks the size of all its
 * arguments at once against limit.blobSize.error (2 MiB = 2,097,152 bytes by default), less room for their
 * encoding.
 */
export const MAX_CARRY_BYTES = 2_050_000;
/** A batch summary's bytes at most, as far as this estimate goes (id, size, counts, slots). */
const BATCH_SUMMARY_BYTES = 250;

/** Why the root may not plan `pages` more batches, or undefined when they fit. */
export function carryFull(inputBytes: number, state: unknown, pages: number): string | undefined {
  const record = jsonBytes(state);
  const after = inputBytes + record + pages * BATCH_SUMMARY_BYTES;
  if (after <= MAX_CARRY_BYTES) return undefined;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
  return (
    `the root's input (${mb(inputBytes)} MB) and record (${mb(record)} MB) would outgrow what Temporal carries ` +
    `across a continue-as-new (2 MiB) with more batches: split the work into several roots, pass a smaller ` +
    `payload, or plan larger children`
  );
}
