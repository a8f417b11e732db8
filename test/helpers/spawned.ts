// Child processes a test starts, killed after each test whatever happened: vitest abandons a test
// that times out without running its `finally`, but still runs afterEach.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { afterEach } from 'vitest';

const running = new Set<ChildProcess>();

/** spawn(), with the process killed (SIGKILL) after the current test if it is still running then. */
export function spawnTracked(command: string, args: readonly string[], opts: SpawnOptions = {}) {
  const child = spawn(command, args, { stdio: 'pipe', ...opts });
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child as ChildProcess & { stdout: NonNullable<ChildProcess['stdout']> };
}

/** Resolves with the exit code once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Kills what is still running and waits (at most 5 s each) for it to exit. */
export async function killTracked(): Promise<void> {
  const left = [...running];
  running.clear();
  await Promise.all(
    left.map(
      (child) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 5000);
          void exited(child).then(() => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGKILL');
        }),
    ),
  );
}

afterEach(killTracked);
