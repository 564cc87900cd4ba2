/** What workflows tell the worker they run on, outside their history (Temporal sinks; never on replay). */
import type { Sinks } from '@temporalio/workflow';

export interface JobSinks extends Sinks {
  localInterrupts: {
    /**
     * The root running this workflow task was interrupted: packs of its children running on this worker stop
     * beginning children now, ahead of their batch's cancel (activities/local-interrupts.ts).
     */
    rootInterrupted(force: boolean): void;
  };
}
