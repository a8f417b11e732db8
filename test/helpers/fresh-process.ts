// Runs a module snippet in a new Node process (tsx, from the repository root) and returns what it
// printed: for what differs from one process to the next, such as random hash seeds.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function evalInFreshProcess(script: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  }).trim();
}
