import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEMO_JOB_NAME, demoBigJob } from '../../src/example/demo-job';
import { ARTIFACTS, launchChromium } from '../helpers/browser';
import { createJobTestbed, type JobTestbed } from '../helpers/jobs';

describe('the demo root in the Temporal Web UI (headless Chromium)', () => {
  let testbed: JobTestbed;
  let browser: Browser;
  let page: Page;
  let ui: string;

  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server', undefined, { ui: true });
    ui = `${testbed.uiUrl}/namespaces/default`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await testbed?.teardown();
  });

  it('lists the root by its job status, shows its children and its progress', async () => {
    await testbed.jobs.start('do_big_job', { name: DEMO_JOB_NAME, maxParallel: 8, data: demoBigJob() });
    const final = await testbed.jobs.wait(DEMO_JOB_NAME);
    expect(final).toMatchObject({ status: 'failed', total: 20 });

    // The list, filtered by the job-status search attribute (visibility may lag a moment: reload until shown).
    const query = encodeURIComponent(`JobKind = 'root' AND JobStatus = 'failed'`);
    const rootLink = page.getByRole('link', { name: DEMO_JOB_NAME, exact: true });
    for (let attempt = 0; attempt < 10 && (await rootLink.count()) === 0; attempt++) {
      await page.goto(`${ui}/workflows?query=${query}`);
      await page.waitForTimeout(1000);
    }
    await rootLink.first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-1-list.png') });
    await rootLink.first().click();
    await page.waitForURL(/\/workflows\/demo-big-job\/[^/]+\/history/);

    const rootUrl = page.url();
    // Relationships: the root → its batch; the batch's history shows each child as an activity by name.
    await page.goto(rootUrl.replace(/\/history$/, '/relationships'));
    await page.getByText(`${DEMO_JOB_NAME}/batch/0`, { exact: true }).first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-2-relationships.png'), fullPage: true });
    const batchRun = (await testbed.client.workflow.getHandle(`${DEMO_JOB_NAME}/batch/0`).describe()).runId;
    await page.goto(`${ui}/workflows/${encodeURIComponent(`${DEMO_JOB_NAME}/batch/0`)}/${batchRun}/history`);
    await page.getByText('runChildren • do_small_job:part-01', { exact: true }).waitFor();
    await expect(
      page.getByText('runChildren • do_small_job:bad-data-2', { exact: true }).count(),
    ).resolves.toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-3-batch-activities.png'), fullPage: true });

    // User metadata: the summary names the job; the current details (a query answered by the worker) show progress.
    await page.goto(rootUrl.replace(/\/history$/, '/user-metadata'));
    // Both are markdown, rendered in their own iframes: the summary first, then the current details.
    const rendered = page.locator('iframe[title="output"]');
    await rendered.nth(1).waitFor();
    await rendered.nth(0).contentFrame().getByText(`Job ${DEMO_JOB_NAME} (do_big_job)`).waitFor();
    const details = rendered.nth(1).contentFrame();
    await details.getByText('20/20 done, 2 failed').waitFor();
    await details.getByText('failed', { exact: true }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-4-current-details.png'), fullPage: true });
  });
});
