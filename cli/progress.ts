/**
 * A one-line progress report on stderr: redrawn in place on a terminal,
 * a line every 10% otherwise.
 *
 * @module
 */
import type { RunProgress } from "../core/run.ts";
import type { CommandIO } from "./io.ts";

/** Progress callbacks for a run of `total` samples. */
export function progressReporter(io: CommandIO, total: number) {
  const started = Date.now();
  let lastDecile = -1;
  let correct = 0;
  let judged = 0;
  let drawn = false;
  const errors = new Set<string>();
  return {
    update(p: RunProgress): void {
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
      const seconds = (Date.now() - started) / 1000;
      const line = `${p.done}/${p.total} samples, ${seconds.toFixed(0)}s` +
        (judged ? `, running accuracy ${((correct / judged) * 100).toFixed(1)}%` : "");
      if (io.isTerminal) {
        io.status(line);
        drawn = true;
      } else {
        const decile = Math.floor((p.done / total) * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          io.stderr(line);
        }
      }
    },
    /** Ends the status line (safe to call twice). */
    done(): void {
      if (drawn) io.status(null);
      drawn = false;
    },
  };
}
