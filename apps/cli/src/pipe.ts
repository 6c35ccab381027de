/** What the CLI does when its stdout is closed under it (`unroll … | head -1`). */

/** The exit status after a broken pipe: 128 + SIGPIPE, as a shell reports a process SIGPIPE ended. */
export const BROKEN_PIPE_EXIT = 141;

let broken = false;
const listeners = new Set<() => void>();

/**
 * Makes a closed stdout (EPIPE) quiet: no stack trace, later writes dropped, `onBrokenPipe`
 * listeners told once (training stops and saves), exit status 141. Other stdout errors print one
 * line. Call once, at start-up.
 *
 * @example
 * ```ts
 * installPipeGuard();
 * onBrokenPipe(() => controller.abort());
 * ```
 */
export function installPipeGuard(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      if (broken) return;
      broken = true;
      process.exitCode = BROKEN_PIPE_EXIT;
      for (const fn of listeners) fn();
      return;
    }
    process.stderr.write(`unroll: error: cannot write to stdout: ${e.message.split('\n')[0]}\n`);
    process.exitCode = 1;
  });
}

/** True once stdout has been closed by its reader. @example `if (!stdoutBroken()) process.stdout.write(line)` */
export function stdoutBroken(): boolean {
  return broken;
}

/** Calls `fn` once when stdout breaks; returns a function that unsubscribes. @example `const off = onBrokenPipe(stop)` */
export function onBrokenPipe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Writes to stdout unless its reader has gone. @example `out('step 1\n')` */
export function out(text: string): void {
  if (!broken) process.stdout.write(text);
}
