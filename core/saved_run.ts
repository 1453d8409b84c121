/**
 * A finished run read back for comparison and reports: a skyeval run folder
 * (`samples.jsonl` + `summary.json`), a SkyThought run folder
 * (`results.json` + `summary.json`, scores as SkyThought wrote them), or a
 * SkyThought `results.json` file on its own.
 *
 * Needs read access to the run.
 *
 * @module
 */
import { readJson, RUN_FILES, RunDirError } from "./run_dir.ts";
import { SampleLogIndex } from "./sample_log_index.ts";
import type { SampleRecord } from "./sample_record.ts";
import { recordsFromResults } from "./skythought_results.ts";
import type { Summary } from "./summary.ts";

/** A run as read from disk. */
export interface SavedRun {
  /** The path given. */
  path: string;
  /** A short name: the run folder's (or file's) base name. */
  label: string;
  /** Which files the records came from. */
  format: "skyeval" | "skythought";
  /** `summary.json`, when there is one. */
  summary: Partial<Summary> | null;
  records: SampleRecord[];
}

/**
 * Reads a run folder or a SkyThought `results.json`.
 *
 * @throws {RunDirError} when the path holds no run or a file is corrupt.
 */
export async function readSavedRun(path: string): Promise<SavedRun> {
  const clean = path.replace(/\/+$/, "") || "/";
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(clean);
  } catch {
    throw new RunDirError(`Run "${path}" does not exist`);
  }
  const label = clean.split("/").pop()!.replace(/\.json$/, "");
  if (info.isFile) {
    return {
      path: clean,
      label,
      format: "skythought",
      summary: null,
      records: recordsFromResults(await readJson(clean), { keepScores: true }),
    };
  }
  const summary = await readJson(`${clean}/${RUN_FILES.summary}`).then(
    (value) => value as Partial<Summary>,
    (error) => {
      if (/does not exist/.test((error as Error).message)) return null;
      throw error;
    },
  );
  const index = await SampleLogIndex.build(`${clean}/${RUN_FILES.samples}`);
  if (index.size > 0) {
    const records: SampleRecord[] = [];
    for await (const record of index.records()) records.push(record);
    return { path: clean, label, format: "skyeval", summary, records };
  }
  const results = await readJson(`${clean}/${RUN_FILES.results}`).catch((error) => {
    if (/does not exist/.test((error as Error).message)) {
      throw new RunDirError(
        `"${path}" is not a run folder: it has neither ${RUN_FILES.samples} nor ${RUN_FILES.results}`,
      );
    }
    throw error;
  });
  return {
    path: clean,
    label,
    format: "skythought",
    summary,
    records: recordsFromResults(results, { keepScores: true }),
  };
}
