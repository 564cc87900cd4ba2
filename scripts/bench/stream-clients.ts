/**
 * The ui-load benchmark's clients, in a process of their own (so that reading the streams does not slow the
 * worker): opens N event streams on a root and answers, when asked over IPC, how many `job` events each got.
 */
import * as http from 'node:http';

const [port, root, streams] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const counts = Array.from({ length: Number(streams) }, () => 0);
const requests = counts.map((_, index) =>
  http
    .get(`http://127.0.0.1:${port}/api/jobs/${encodeURIComponent(root)}/events`, { agent }, (response) => {
      response.on('data', (chunk: Buffer) => {
        counts[index] += chunk.toString().split('event: job').length - 1;
      });
    })
    .on('error', () => undefined),
);

process.on('message', (message) => {
  if (message === 'counts') process.send!(counts);
  if (message === 'close') {
    for (const request of requests) request.destroy();
    process.exit(0);
  }
});
process.send!('open');
