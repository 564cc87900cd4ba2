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
  // Pages of 100: a page of 1,000 runs of a big tree (their memos and search attributes) passed the 4 MiB a
  // client with the SDK's defaults takes (src/connection.ts).
  const query = `JobRootId = '${rootId}'`;
  for await (const execution of client.workflow.list({ query, pageSize: 100 })) {
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
