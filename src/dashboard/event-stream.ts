/**
 * A server-sent-events stream on a reply: what a live view sends, and a comment now and then to keep it open.
 * A client that does not read costs at most one event: while its socket's buffer is full, only the newest
 * event waits (each event is the whole view, so older ones are of no use), and a client that has not read
 * for `stallMs` is dropped.
 */
import type { FastifyReply } from 'fastify';
import type { LiveEvent } from './live-reads';
import { SECURITY_HEADERS } from './security-headers';

const KEEP_ALIVE_MS = 15_000;
/** A stream whose client has read nothing for this long is closed. */
export const DEFAULT_STALL_MS = 30_000;

/** Subscribes, then opens a server-sent-events stream and feeds it until the client goes. */
export async function openEventStream(
  reply: FastifyReply,
  subscribe: (send: (event: LiveEvent) => void) => Promise<() => void>,
  stallMs = DEFAULT_STALL_MS,
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
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store, no-transform',
    Connection: 'keep-alive',
  });
  raw.write('retry: 3000\n\n');
  let waiting: string | undefined; // the newest event, while the client is behind
  let stall: NodeJS.Timeout | undefined;
  const send = (text: string, droppable: boolean) => {
    if (!raw.writableNeedDrain) {
      raw.write(text);
      return;
    }
    if (!droppable) waiting = text;
    stall ??= setTimeout(() => raw.destroy(), stallMs);
  };
  raw.on('drain', () => {
    clearTimeout(stall);
    stall = undefined;
    const text = waiting;
    waiting = undefined;
    if (text !== undefined) send(text, false);
  });
  write = (event) => {
    const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
    send(`event: ${event.type}\ndata: ${data}\n\n`, false);
  };
  early.forEach(write);
  const keepAlive = setInterval(() => send(': keep-alive\n\n', true), KEEP_ALIVE_MS);
  raw.on('close', () => {
    clearInterval(keepAlive);
    clearTimeout(stall);
    unsubscribe();
  });
}
