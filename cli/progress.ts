/**
 * A one-line progress report on stderr: redrawn in place on a terminal;
 * otherwise a line every 10% and at least every 10 seconds, so a piped log
 * of a slow run never goes quiet.
 *
 * @module
 */
import type { RunProgress } from "../core/run.ts";
import type { CommandIO } from "./io.ts";

/** Longest silence on a non-terminal stderr. */
const HEARTBEAT_MS = 10_000;

/** Progress callbacks for a run of `total` samples. */
export function progressReporter(io: CommandIO, total: number) {
  const started = Date.now();
  let lastDecile = -1;
  let done = 0;
  let correct = 0;
  let judged = 0;
  let drawn = false;
  const errors = new Set<string>();
  const line = () => {
    const seconds = (Date.now() - started) / 1000;
    return `${done}/${total} samples, ${seconds.toFixed(0)}s` +
      (judged ? `, running accuracy ${((correct / judged) * 100).toFixed(1)}%` : "");
  };
  let lastLine = Date.now();
  const say = () => {
    lastLine = Date.now();
    io.stderr(line());
  };
  const heartbeat = io.isTerminal ? undefined : setInterval(() => {
    if (Date.now() - lastLine >= HEARTBEAT_MS - 50) say();
  }, HEARTBEAT_MS / 5);
  if (heartbeat !== undefined) Deno.unrefTimer(heartbeat);
  return {
    update(p: RunProgress): void {
      done = p.done;
      const error = p.record.error;
      if (error !== undefined && !errors.has(error)) {
        errors.add(error);
        io.stderr(`sample ${p.record.id} failed to generate: ${error}`);
      }
      for (const r of p.record.responses) {
        if (r.correctness !== null && p.record.scored) {
          judged++;
          if (r.correctness) correct++;
        }
      }
      if (io.isTerminal) {
        io.status(line());
        drawn = true;
      } else {
        const decile = Math.floor((p.done / total) * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          say();
        }
      }
    },
    /** Ends the status line and the heartbeat (safe to call twice). */
    done(): void {
      clearInterval(heartbeat);
      if (drawn) io.status(null);
      drawn = false;
    },
  };
}
