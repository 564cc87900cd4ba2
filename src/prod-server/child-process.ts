/** Watching a server we started: its output to a log file, waiting for a line, and for its exit. */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

export interface WatchedOutput {
  /** Resolves once the output has matched `pattern`; rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs: number, what: string): Promise<void>;
  /** The last lines it wrote (for errors). */
  tail(lines?: number): string;
}

export function watchOutput(child: ChildProcess, logFile: string): WatchedOutput {
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  let recent = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    recent = (recent + chunk.toString()).slice(-64 * 1024);
    listeners.forEach((listener) => listener());
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.on('close', () => {
    log.end();
    listeners.forEach((listener) => listener());
  });
  const tail = (lines = 8) => recent.trim().split('\n').slice(-lines).map(readable).join('\n');
  return {
    tail,
    waitFor(pattern, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${what} did not start within ${timeoutMs / 1000} s; its last lines:\n${tail()}`));
        }, timeoutMs);
        const check = () => {
          if (pattern.test(recent)) {
            done();
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(
              new Error(`${what} exited (${child.exitCode ?? child.signalCode}) while starting:\n${tail()}`),
            );
          }
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('did not exit in time')), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A JSON log line (the Temporal server's) as level, message and error, without its stack trace. */
function readable(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
    return `${entry.level ?? 'log'}: ${entry.msg ?? ''}${entry.error ? `: ${entry.error}` : ''}`;
  } catch {
    return line;
  }
}
