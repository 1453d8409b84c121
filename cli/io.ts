/**
 * What every command gets from `cli.ts`: the process's streams, environment
 * and working directory, so commands stay testable and nothing below the
 * CLI reads globals.
 *
 * @module
 */

/** The process around a command. */
export interface CommandIO {
  stdin: ReadableStream<Uint8Array>;
  stdout: WritableStream<Uint8Array>;
  /** Writes one line (newline added) to stderr. */
  stderr: (line: string) => void;
  /** Writes one line (newline added) to stdout. */
  print: (line: string) => void;
  env: (name: string) => string | undefined;
  /** Whether stderr is a terminal (progress bars redraw in place). */
  isTerminal: boolean;
  /** Redraws one status line in place on the terminal; `null` ends it with a newline. */
  status: (line: string | null) => void;
  /** Aborts on Ctrl-C. */
  signal: AbortSignal;
}

/** An error the user caused: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
