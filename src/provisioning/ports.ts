import * as net from 'node:net';

/** Resolves with `port` if nothing listens on 127.0.0.1:port (0: any port the kernel picks). */
function bindable(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A free port for another process to listen on, between 20000 and 32000: out of the kernel's ephemeral
 * range (32768–60999 on Linux), where a port found free could be handed to some client's outgoing
 * connection before the server binds it ("address already in use"). The Temporal server also keeps its
 * membership ports in a smallint column.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    const port = await bindable(candidate).catch(() => undefined);
    if (port !== undefined) return port;
  }
  throw new Error('No free port found between 20000 and 32000 on 127.0.0.1.');
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
