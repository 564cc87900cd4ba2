import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startDashboard } from '../../src/dashboard/dashboard-server';
import { ARTIFACTS, launchChromium } from '../helpers/browser';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually } from '../helpers/testbed';

/** The jobs dashboard (`jobs ui`) in headless Chromium, on a dev server, with the Temporal Web UI beside it. */
describe('the jobs dashboard (headless Chromium)', () => {
  let testbed: JobTestbed;
  let browser: Browser;
  let page: Page;
  let dashboard: Awaited<ReturnType<typeof startDashboard>>;
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });

  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server', undefined, { ui: true });
    dashboard = await startDashboard({
      jobs: testbed.jobs,
      port: 0,
      protectReads: false,
      webUiUrl: testbed.uiUrl,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('dialog', (dialog) => void dialog.accept()); // the interrupt confirmations
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await testbed?.teardown();
  });

  it('shows a root advance live, interrupts a child and then the root from the page', async () => {
    const name = uniqueName('dash-live');
    const parts = Array.from({ length: 12 }, (_, i) => ({ name: `part-${i + 1}`, durationMs: 1500 }));
    await testbed.jobs.start('do_big_job', { name, maxParallel: 2, data: { parts } });
    let loads = 0;
    page.on('load', () => loads++);
    await page.goto(`${dashboard.url}/#/jobs/${encodeURIComponent(name)}`);
    const bar = page.getByTestId('root-progress');
    await bar.waitFor();
    const progress = async () => Number(await bar.getAttribute('aria-valuenow'));
    const first = await progress();
    // The bar moves with the root's event stream, the page never reloading.
    await eventually(
      'the progress bar to advance',
      async () => ((await progress()) > first ? true : undefined),
      20_000,
    );
    expect(await progress()).toBeGreaterThan(first);
    expect(loads).toBe(1); // it advanced without a reload
    await shot('dashboard-1-root-running.png');

    // The last child waits for a slot: interrupted, it never starts.
    const last = page.locator('tr[data-child="do_small_job:part-12"]');
    await last.getByTestId('interrupt-child').click();
    await last.getByTestId('status').getByText('cancelled', { exact: true }).waitFor({ timeout: 15_000 });
    await page.getByRole('status').getByText('Interrupt sent').waitFor();
    await shot('dashboard-2-child-interrupted.png');

    await page.getByTestId('interrupt-root').click();
    await page
      .locator('h1')
      .getByTestId('status')
      .getByText('cancelled', { exact: true })
      .waitFor({ timeout: 20_000 });
    await page.getByTestId('interrupted').getByText('yes').waitFor();
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'cancelled', interrupted: true });
    expect(final.counts.cancelled).toBeGreaterThanOrEqual(1);
    expect(final.counts.success).toBeGreaterThanOrEqual(1);
    expect(loads).toBe(1);
    await shot('dashboard-3-root-cancelled.png');

    // The list: the root with its status, progress and counts.
    await page.goto(`${dashboard.url}/#/`);
    const row = page.locator(`tr[data-root="${name}"]`);
    await row.getByTestId('status').getByText('cancelled', { exact: true }).waitFor({ timeout: 15_000 });
    await shot('dashboard-4-roots.png');
  });

  it('pages through the children of a root with Previous and Next', async () => {
    const name = uniqueName('dash-pages');
    const parts = Array.from({ length: 55 }, (_, i) => ({ name: `p${i + 1}` }));
    await testbed.jobs.start('do_big_job', { name, maxParallel: 20, data: { parts } });
    await testbed.jobs.wait(name);
    await page.goto(`${dashboard.url}/#/jobs/${encodeURIComponent(name)}`);
    const rows = page.getByTestId('children').locator('tr[data-child]');
    const previous = page.getByRole('button', { name: '‹ Previous' });
    const next = page.getByRole('button', { name: 'Next ›' });
    await page.getByText('1–50 of 55').waitFor();
    expect(await rows.count()).toBe(50);
    expect(await previous.isDisabled()).toBe(true);

    await next.click();
    await page.getByText('51–55 of 55').waitFor();
    expect(await rows.count()).toBe(5);
    expect(await next.isDisabled()).toBe(true);

    await previous.click();
    await page.getByText('1–50 of 55').waitFor();
    expect(await rows.count()).toBe(50);
  });

  it('links to the Temporal Web UI, where a failed root and a cancelled root show so', async () => {
    const failed = uniqueName('dash-failed');
    await testbed.jobs.start('do_big_job', {
      name: failed,
      data: { parts: [{ name: 'ok' }, { name: 'bad', valid: false }] },
    });
    expect((await testbed.jobs.wait(failed)).status).toBe('failed');
    const cancelled = uniqueName('dash-cancelled');
    await testbed.jobs.start('do_big_job', {
      name: cancelled,
      maxParallel: 1,
      data: { parts: [{ name: 'long', durationMs: 2000 }, { name: 'never' }] },
    });
    await statusWhen(testbed.jobs, cancelled, (status) => status.status === 'running');
    await testbed.jobs.interrupt(cancelled);
    expect((await testbed.jobs.wait(cancelled)).status).toBe('cancelled');

    for (const [id, badge, file] of [
      [failed, 'Failed', 'web-ui-5-failed-root.png'],
      [cancelled, 'Canceled', 'web-ui-6-cancelled-root.png'],
    ] as const) {
      await page.goto(`${dashboard.url}/#/jobs/${encodeURIComponent(id)}`);
      const [webUi] = await Promise.all([
        page.waitForEvent('popup'),
        page.locator('.record').getByRole('link', { name: 'Web UI ↗' }).click(),
      ]);
      await webUi.waitForURL(/\/namespaces\/default\/workflows\//);
      // The badge beside the workflow id at the top of its page.
      await webUi.getByText(badge, { exact: true }).first().waitFor({ timeout: 20_000 });
      if (badge === 'Failed')
        await webUi.getByText(`Job \\"${id}\\" failed: 1 of 2 children failed`).first().waitFor();
      await webUi.screenshot({ path: path.join(ARTIFACTS, file) });
      await webUi.close();
    }
  });

  it('with --protect-reads: asks for the token, then reads live with no token in any address, under its CSP', async () => {
    const token = 'browser-test-token-0123456789';
    const guarded = await startDashboard({
      jobs: testbed.jobs,
      port: 0,
      token,
      protectReads: true,
      webUiUrl: testbed.uiUrl,
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const guardedPage = await context.newPage();
    const addresses: string[] = [];
    const violations: string[] = [];
    context.on('request', (request) => addresses.push(request.url()));
    guardedPage.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    try {
      const name = uniqueName('dash-private');
      const parts = Array.from({ length: 6 }, (_, i) => ({ name: `part-${i + 1}`, durationMs: 800 }));
      await testbed.jobs.start('do_big_job', { name, maxParallel: 2, data: { parts } });
      await guardedPage.goto(`${guarded.url}/#/jobs/${encodeURIComponent(name)}`);
      await guardedPage.getByPlaceholder('dashboard token').fill(token);
      await guardedPage.getByRole('button', { name: 'Use token' }).click();
      // The root's stream (a read session, not the token) carries it to its end.
      await guardedPage
        .locator('h1')
        .getByTestId('status')
        .getByText('success', { exact: true })
        .waitFor({ timeout: 30_000 });
      const [webUi] = await Promise.all([
        guardedPage.waitForEvent('popup'),
        guardedPage.locator('.record').getByRole('link', { name: 'Web UI ↗' }).click(),
      ]);
      await webUi.waitForURL(/\/namespaces\/default\/workflows\//);
      await webUi.close();
      expect(addresses.some((address) => address.includes('/events'))).toBe(true);
      for (const address of addresses) {
        expect(address).not.toContain(token);
        expect(address).not.toContain('access_token');
      }
      expect(violations).toEqual([]);
      // Cookies do not tell ports apart: the Web UI's own (on another port of 127.0.0.1) are here too.
      const cookies = (await context.cookies(guarded.url)).filter((cookie) =>
        cookie.name.startsWith('jobs_'),
      );
      expect(cookies).toEqual([
        expect.objectContaining({ name: 'jobs_ui_read', httpOnly: true, sameSite: 'Strict' }),
      ]);
      await guardedPage.screenshot({
        path: path.join(ARTIFACTS, 'dashboard-5-protected-reads.png'),
        fullPage: true,
      });
    } finally {
      await context.close();
      await guarded.close();
    }
  });
});
