/** A workflow as first deployed: one activity. (For the test of a safe workflow change.) */
import { proxyActivities } from '@temporalio/workflow';

const { greet } = proxyActivities<{ greet(name: string): Promise<string> }>({
  startToCloseTimeout: '1 minute',
});

export async function versionedWorkflow(name: string): Promise<string> {
  return greet(name);
}
