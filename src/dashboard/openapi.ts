/** The OpenAPI description of the HTTP API, as the routes declare it (docs/openapi.json holds a copy). */
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { JobClient } from '../client/job-client';
import { createDashboard } from './dashboard-server';

export const OPENAPI_FILE = path.resolve(__dirname, '..', '..', 'docs', 'openapi.json');

export async function openApiDocument(): Promise<string> {
  // The routes only need a client to answer requests; describing them calls nothing.
  const connection = Connection.lazy({ address: '127.0.0.1:7233' });
  const jobs = new JobClient(new Client({ connection }), 'jobs');
  // As served with a token: changes need it (reads too with --protect-reads, as the description says).
  const { app } = await createDashboard({ jobs, protectReads: false, token: 'describing-only-0000' });
  await app.ready();
  const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  return document;
}
