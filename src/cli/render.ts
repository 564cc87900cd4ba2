/** Text views of job status for people: the status table and the live watch view. */
import { printable } from './printable';
import { JOB_STATUSES, type ChildJobState, type ChildRecord, type RootStatusAnswer } from '../contract/jobs';

export function progressBar(progress: number, width = 30): string {
  const filled = Math.round(progress * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(progress * 100).toFixed(1).padStart(5)}%`;
}

export function countsLine(root: RootStatusAnswer): string {
  return JOB_STATUSES.map((status) => `${status} ${root.counts[status]}`).join(' | ');
}

export function rootHeader(root: RootStatusAnswer): string[] {
  return [
    `Job ${root.id} (${root.topic}), owner ${root.ownerId}: ${root.status.toUpperCase()}${root.interrupted ? ' (interrupted)' : ''}`,
    `${progressBar(root.progress)}  ${root.counts.success + root.counts.failed + root.counts.cancelled}/${root.total} done`,
    countsLine(root),
    ...(root.paused ? [`paused since ${time(root.pausedAt)}: no child starts until \`jobs resume\``] : []),
    ...(root.concurrencyKey
      ? [`concurrency key ${root.concurrencyKey}: shares \`jobs limit\` with its roots`]
      : []),
    ...(root.error ? [`error: ${root.error}`] : []),
    ...(root.snapshotAt ? [snapshotLine(root.snapshotAt)] : []),
  ];
}

/** Said when the answer is the root's snapshot because no worker answered. */
export function snapshotLine(at: string): string {
  return `as of ${time(at)}, no worker answered (children of running batches not shown)`;
}

export function childrenTable(children: ChildRecord[]): string[] {
  if (children.length === 0) return [];
  const rows = children.map((child) => [
    child.name,
    child.status,
    String(child.attempts),
    time(child.startedAt),
    time(child.stoppedAt),
    child.error ?? '',
  ]);
  return table(['CHILD', 'STATUS', 'ATTEMPTS', 'STARTED', 'STOPPED', 'ERROR'], rows);
}

export function childLines(child: ChildJobState): string[] {
  return [
    `Child ${child.id} (${child.topic}) of root ${child.rootId}: ${child.status.toUpperCase()}${child.interrupted ? ' (interrupted)' : ''}`,
    `${progressBar(child.progress)}  attempts ${child.attempts}`,
    `created ${time(child.createdAt)}, started ${time(child.startedAt)}, stopped ${time(child.stoppedAt)}`,
    ...(child.error ? [`error: ${child.error}`] : []),
    ...(child.result !== null && child.result !== undefined
      ? [`result: ${JSON.stringify(child.result)}`]
      : []),
  ];
}

/** The live view: header, then the running and the failed children; written raw, so escaped here. */
export function watchLines(root: RootStatusAnswer, running: ChildRecord[], failed: ChildRecord[]): string[] {
  const lines = rootHeader(root);
  if (running.length > 0) {
    lines.push('running:');
    for (const child of running)
      lines.push(`  ${child.name}  ${Math.round(child.progress * 100)}%  attempt ${child.attempts}`);
  }
  if (failed.length > 0) {
    lines.push('failed:');
    for (const child of failed) lines.push(`  ${child.name}  ${child.error ?? ''}`);
  }
  return lines.map(printable);
}

export function table(header: string[], unsafeRows: string[][]): string[] {
  const rows = unsafeRows.map((row) => row.map(printable)); // escaped first, so columns line up
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function time(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}
