/**
 * Which packing rule a workflow follows: roots and batches opened before patch `fewer-turnovers` (fixture
 * fewer-turnovers) or before `longer-packs` (fixture longer-packs) replay with the rule they ran with.
 */
import { patched } from '@temporalio/workflow';
import {
  PACKING,
  PACKING_BEFORE_FEWER_TURNOVERS,
  PACKING_BEFORE_LONGER_PACKS,
  type PackingRule,
} from '../jobs/packing';

const FEWER_TURNOVERS = 'fewer-turnovers';
const LONGER_PACKS = 'longer-packs';

export function packingRule(): PackingRule {
  if (patched(FEWER_TURNOVERS)) return PACKING;
  return patched(LONGER_PACKS) ? PACKING_BEFORE_FEWER_TURNOVERS : PACKING_BEFORE_LONGER_PACKS;
}
