import type { Client } from '@temporalio/client';

export interface HistoryReport {
  workflows: number;
  maxLength: number;
  maxId: string;
  rootLength: number;
}

/** The longest history among a root and every workflow it started (from visibility, so closed runs too). */
export async function largestHistory(client: Client, rootId: string): Promise<HistoryReport> {
  const report: HistoryReport = { workflows: 0, maxLength: 0, maxId: '', rootLength: 0 };
  for await (const execution of client.workflow.list({ query: `JobRootId = '${rootId}'` })) {
    report.workflows++;
    const length = execution.historyLength;
    if (execution.workflowId === rootId) report.rootLength = Math.max(report.rootLength, length);
    if (length > report.maxLength) {
      report.maxLength = length;
      report.maxId = execution.workflowId;
    }
  }
  return report;
}
