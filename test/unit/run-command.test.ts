import { runCommand } from '../../src/provisioning/run-command';

describe('running a provisioning command', () => {
  it('resolves with its output and passes standard error on as it comes', async () => {
    const seen: string[] = [];
    const output = await runCommand('echo', 'sh', ['-c', 'echo out; echo err >&2'], {
      onStderr: (text) => seen.push(text),
    });
    expect(output).toContain('out');
    expect(seen.join('')).toBe('err\n');
  });

  it('says what failed, with its exit code and last lines', async () => {
    const failing = runCommand('the step', 'sh', ['-c', 'for i in 1 2 3 4; do echo line$i; done; exit 3'], {
      tailLines: 2,
    });
    await expect(failing).rejects.toThrow('the step failed (exit 3):\nline3\nline4');
    await expect(runCommand('the step', 'no-such-command-here', [])).rejects.toThrow(
      /^the step: could not run no-such-command-here: /,
    );
  });

  it('stops the command when aborted, saying why', async () => {
    const stop = new AbortController();
    const running = runCommand('the wait', 'sh', ['-c', 'echo waiting; sleep 30'], { signal: stop.signal });
    setTimeout(() => stop.abort('the server exited'), 200);
    await expect(running).rejects.toThrow('the wait gave up (the server exited):\nwaiting');
  });
});
