import { setTimeout as sleep } from 'node:timers/promises';
import type { JobClient } from '../client/job-client';
import type { RootStatusAnswer } from '../contract/jobs';
import { snapshotLine, watchLines } from './render';

/**
 * Shows a root live until it stops: redrawn in place on a terminal (nothing else may write to it meanwhile),
 * one line per change otherwise.
 */
export async function watchRoot(
  jobs: JobClient,
  id: string,
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number } = process.stdout,
  intervalMs = 1000,
): Promise<RootStatusAnswer> {
  let drawnLines = 0;
  let lastLine = '';
  for (;;) {
    const root = (await jobs.status(id, { limit: 0 })) as RootStatusAnswer;
    const running = root.counts.running > 0 ? await children(jobs, id, 'running') : [];
    const failed = root.counts.failed > 0 ? await children(jobs, id, 'failed') : [];
    if (out.isTTY) {
      // Lines cut to the terminal's width, so that moving up by the line count erases the last frame exactly.
      const width = out.columns ?? 120;
      const lines = watchLines(root, running, failed).map((line) =>
        line.length > width ? `${line.slice(0, width - 1)}…` : line,
      );
      if (drawnLines > 0) out.write(`\x1b[${drawnLines}A\x1b[0J`);
      out.write(`${lines.join('\n')}\n`);
      drawnLines = lines.length;
    } else {
      const done = root.counts.success + root.counts.failed + root.counts.cancelled;
      const line =
        `${root.status} ${(root.progress * 100).toFixed(1)}% ${done}/${root.total} done (running ${root.counts.running}, failed ${root.counts.failed}, cancelled ${root.counts.cancelled})` +
        (root.paused ? '; paused' : '') +
        (root.snapshotAt ? `; ${snapshotLine(root.snapshotAt)}` : '');
      if (line !== lastLine) out.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
      lastLine = line;
    }
    if (root.stoppedAt) return root;
    await sleep(intervalMs);
  }
}

async function children(jobs: JobClient, id: string, status: 'running' | 'failed') {
  const page = (await jobs.status(id, { status, limit: 8 })) as RootStatusAnswer;
  return page.children;
}
