/**
 * An error the CLI reports as one `unroll: error: …` line and exits with `exitCode` (2: a bad
 * flag or path found before any work; 1: a failure during it).
 *
 * @example
 * ```ts
 * throw new CliError(`--out '${path}' is a directory`, 2);
 * ```
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}
