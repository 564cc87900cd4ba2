/**
 * The same workflow changed safely: the new activity runs only where `patched` says the history was made by
 * this code, so runs started by the first version replay as they were.
 */
import { patched, proxyActivities } from '@temporalio/workflow';

const { greet, audit } = proxyActivities<{
  greet(name: string): Promise<string>;
  audit(name: string): Promise<void>;
}>({
  startToCloseTimeout: '1 minute',
});

export async function versionedWorkflow(name: string): Promise<string> {
  if (patched('audit-before-greeting')) await audit(name);
  return greet(name);
}
