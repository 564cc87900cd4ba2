/**
 * The ui-attack benchmark's clients, in a process of their own: `views` opens N event streams on one root, each
 * on a view of its own (a distinct offset), and counts how many the dashboard took and refused; `slow` opens N
 * streams on the root's largest page and never reads a byte. Answers `stats` over IPC; `close` ends them.
 */
import * as http from 'node:http';
import * as net from 'node:net';

const [kind, port, root, countText, limitText] = process.argv.slice(2);
const count = Number(countText ?? '0');
const stats = { open: 0, refused: 0, failed: 0, closedByServer: 0 };
const sockets: Array<{ destroy(): void }> = [];

if (kind === 'views') {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  for (let i = 0; i < count; i++) {
    const request = http
      .get(
        `http://127.0.0.1:${port}/api/jobs/${encodeURIComponent(root)}/events?offset=${i}&limit=1`,
        { agent },
        (response) => {
          if (response.statusCode === 200) stats.open++;
          else stats.refused++;
          response.resume();
          response.on('close', () => {
            if (response.statusCode === 200) stats.closedByServer++;
          });
        },
      )
      .on('error', () => stats.failed++);
    sockets.push(request);
  }
} else {
  // The largest page this dashboard serves: a never-read stream then fills buffers fastest.
  for (let i = 0; i < count; i++) {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `GET /api/jobs/${encodeURIComponent(root)}/events?limit=${limitText} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
      );
      stats.open++;
      socket.pause(); // never reads
    });
    socket.on('error', () => undefined);
    socket.on('close', () => stats.closedByServer++);
    sockets.push(socket);
  }
}

process.on('message', (message) => {
  if (message === 'stats') process.send!(stats);
  if (message === 'close') {
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  }
});
process.send!('open');
