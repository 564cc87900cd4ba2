/** The same change made unsafely: the new activity runs unconditionally. */
import { proxyActivities } from '@temporalio/workflow';

const { greet, audit } = proxyActivities<{
  greet(name: string): Promise<string>;
  audit(name: string): Promise<void>;
}>({
  startToCloseTimeout: '1 minute',
});

export async function versionedWorkflow(name: string): Promise<string> {
  await audit(name);
  return greet(name);
}
