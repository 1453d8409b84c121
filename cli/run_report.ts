/**
 * `report.html` written into a run folder at the end of `evaluate` and
 * `score`. A failure to write it is a note: the run itself is done.
 *
 * @module
 */
import { writeReport } from "../report/write_report.ts";
import type { CommandIO } from "./io.ts";

/**
 * Above this many problems the page gets slow and building it holds every
 * record in memory (a run's own memory does not grow with its size);
 * `skyeval report` still writes it on request.
 */
const MAX_AUTOMATIC_SAMPLES = 20_000;

/** Writes `report.html` into the run folder; returns its path, or `null` (with a note) when not written. */
export async function writeRunReport(
  io: CommandIO,
  runDir: string,
  samples: number,
): Promise<string | null> {
  if (samples > MAX_AUTOMATIC_SAMPLES) {
    io.stderr(
      `note: report.html not written for ${samples} problems; write it with: skyeval report --run-dir ${runDir}`,
    );
    return null;
  }
  try {
    return (await writeReport([runDir])).path;
  } catch (error) {
    io.stderr(`note: report.html not written: ${(error as Error).message}`);
    return null;
  }
}
