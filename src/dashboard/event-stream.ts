/** A server-sent-events stream on a reply: what a live view sends, and a comment now and then to keep it open. */
import type { FastifyReply } from 'fastify';
import type { LiveEvent } from './live-reads';

const KEEP_ALIVE_MS = 15_000;

/** Subscribes, then opens a server-sent-events stream and feeds it until the client goes. */
export async function openEventStream(
  reply: FastifyReply,
  subscribe: (send: (event: LiveEvent) => void) => Promise<() => void>,
): Promise<void> {
  const raw = reply.raw;
  const early: LiveEvent[] = []; // what the feed sends as it subscribes, before the stream is open
  let write = (event: LiveEvent) => void early.push(event);
  const unsubscribe = await subscribe((event) => write(event));
  if (raw.destroyed) {
    unsubscribe(); // the client left while the root was read
    return;
  }
  reply.hijack();
  raw.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
  });
  raw.write('retry: 3000\n\n');
  write = (event) => {
    const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
    raw.write(`event: ${event.type}\ndata: ${data}\n\n`);
  };
  early.forEach(write);
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  raw.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}
