/**
 * Which packing rule a workflow follows: roots and batches opened before patch `longer-packs` replay with the
 * rule they ran with (fixture longer-packs).
 */
import { patched } from '@temporalio/workflow';
import { PACKING, PACKING_BEFORE_LONGER_PACKS, type PackingRule } from '../jobs/packing';

const LONGER_PACKS = 'longer-packs';

export function packingRule(): PackingRule {
  return patched(LONGER_PACKS) ? PACKING : PACKING_BEFORE_LONGER_PACKS;
}
