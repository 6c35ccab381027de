/** Runs one child process and picks its result line out of whatever else it prints. */
import { spawn } from 'node:child_process';
import { RESULT_MARKER } from './types.js';

export interface ChildOutcome {
  /** The parsed JSON after RESULT_MARKER, when the child printed one. */
  reply?: unknown;
  /** Why there is no reply: exit status, signal or timeout, with the end of stderr. */
  error?: string;
  seconds: number;
}

/**
 * Spawns `cmd args`, waits for it (killing it after `timeoutMs`) and returns the last result line.
 * Stdout chatter (tfjs greets Node users) is ignored; stderr is kept for error messages only.
 */
export function runChild(cmd: string, args: readonly string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<ChildOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-20_000); });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const line = stdout.split('\n').reverse().find((l) => l.startsWith(RESULT_MARKER));
      if (line !== undefined && !timedOut) {
        try {
          resolve({ reply: JSON.parse(line.slice(RESULT_MARKER.length)), seconds });
          return;
        } catch {
          // fall through to the error report
        }
      }
      const why = spawnError ? spawnError.message
        : timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s`
          : signal ? `killed by ${signal}` : `exit code ${code}`;
      resolve({ error: `${why}${tail(stderr)}`, seconds });
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** The last few meaningful stderr lines, each cut short (minified bundles print huge lines). */
function tail(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^\^+$/.test(l));
  const picked = lines.filter((l) => /error|Error|failed|Cannot/.test(l)).slice(-2);
  const out = (picked.length ? picked : lines.slice(-2)).map((l) => (l.length > 240 ? `${l.slice(0, 240)}…` : l));
  return out.length ? `: ${out.join(' | ')}` : '';
}

/** Runs a command to completion and returns its stdout (or the end of stderr when it fails). */
export function runText(cmd: string, args: readonly string[], timeoutMs = 600_000): Promise<{ ok: boolean; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-4_000); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? { ok: true, text: stdout } : { ok: false, text: stderr || stdout });
    });
  });
}
