import { ServiceError } from '@temporalio/client';
import { refusedForNow } from '../../src/client/workflow-reads';

/** A query's error as the SDK throws it: a ServiceError whose cause is the server's gRPC status. */
function refusal(code: number, details: string): ServiceError {
  return new ServiceError('Failed to query Workflow', {
    cause: Object.assign(new Error(details), { code, details }),
  });
}

describe('refusedForNow: which refused queries count as no worker answering (asked again until the deadline)', () => {
  it.each([
    ['no recent poller', refusal(9, 'no poller seen for task queue recently, worker may be down'), true],
    [
      'a failing workflow task',
      refusal(9, 'Unable to query workflow due to Workflow Task in failed state.'),
      true,
    ],
    ['closed before its first task', refusal(9, 'workflow closed before WorkflowTaskStarted event'), false],
    ['a deadline (handled as such)', refusal(4, 'Deadline exceeded after 3.002s'), false],
    ['a full query buffer (the SDK retries it)', refusal(8, 'consistent query buffer is full'), false],
    ['not a gRPC error', new Error('boom'), false],
    ['nothing', undefined, false],
  ])('%s', (_what, err, refused) => {
    expect(refusedForNow(err) !== undefined).toBe(refused);
  });

  it('says what the server said', () => {
    expect(refusedForNow(refusal(9, 'no poller seen for task queue recently, worker may be down'))).toBe(
      'no poller seen for task queue recently, worker may be down',
    );
  });
});
