/**
 * `skyeval score --run-dir DIR [--task T] [--ids a,b]`: re-score saved
 * generations in place. Reads our `samples.jsonl`, or a SkyThought
 * `results.json` when that is all the folder has.
 *
 * @module
 */
import { jsonObjectEntries, type JsonObjectEntry } from "../core/json_object_entries.ts";
import { targetsOf } from "../core/prepare.ts";
import { readJson, RUN_FILES, RunDirError, SampleLog } from "../core/run_dir.ts";
import { writeRunFiles } from "../core/run.ts";
import { SampleLogIndex } from "../core/sample_log_index.ts";
import { WindowReader } from "../core/window_reader.ts";
import type { SampleRecord } from "../core/sample_record.ts";
import { listOf, recordFromResultEntry } from "../core/skythought_results.ts";
import { scoreSamples } from "../core/score_samples.ts";
import type { Summary } from "../core/summary.ts";
import { listTaskNames, loadTask } from "../tasks/registry.ts";
import { type TaskConfig, TaskConfigSchema, type TaskDefinition } from "../tasks/schema.ts";
import type { Row } from "../tasks/handler.ts";
import { VERSION } from "../version.ts";
import { parseFlags } from "./flags.ts";
import { type CommandIO, UsageError } from "./io.ts";
import { writeRunReport } from "./run_report.ts";
import { chooseScorers } from "./scorers.ts";

/** Records scored per grader call. */
const SCORE_BATCH = 1024;

const FLAGS = {
  "run-dir": { type: "string" },
  task: { type: "string" },
  ids: { type: "string" },
  scorer: { type: "string" },
  grader: { type: "string" },
  "tasks-dir": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

/** Help text for `score`. */
export const SCORE_HELP =
  `Usage: skyeval score --run-dir DIR [--task TASK] [--ids ID,ID] [--scorer auto|native|ts]
                     [--grader skyeval|skythought]

Re-score the generations saved in a run folder, in place: results.json and
summary.json are rewritten, and samples.jsonl gains the re-scored lines.
Works on skyeval run folders and on SkyThought ones (results.json + summary.json).

  --run-dir DIR     the run folder
  --task TASK       task to score as (default: the one recorded in summary.json)
  --ids ID,...      only these _index values (the rest keep their scores)
  --scorer PATH     auto (native when built), native or ts
  --grader RULES    skyeval (default) or skythought (the reference's leniencies, to reproduce
                    its published numbers; TypeScript grader)`;

/** Runs `score`; returns the exit code. */
export async function runScore(args: string[], io: CommandIO): Promise<number> {
  const { values: flags } = parseFlags("score", args, FLAGS);
  if (flags.help) {
    io.print(SCORE_HELP);
    return 0;
  }
  const runDir = flags["run-dir"]?.replace(/\/+$/, "");
  if (!runDir) throw new UsageError("score: missing option --run-dir");
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(runDir);
  } catch {
    throw new UsageError(`Run directory "${runDir}" does not exist`);
  }
  if (!info.isDirectory) throw new UsageError(`--run-dir "${runDir}" is a file, not a run folder`);
  const scoring = chooseScorers(flags.scorer, io, flags.grader);
  const previous = await readPreviousSummary(runDir, io);
  const task = await taskFor(
    flags.task,
    previous.configuration ?? {},
    flags["tasks-dir"] ?? [],
    runDir,
  );
  const configuration = previous.configuration ??
    { task: { name: task.name, config: task.config, source: task.source } };

  const samplesPath = `${runDir}/${RUN_FILES.samples}`;
  const resultsPath = `${runDir}/${RUN_FILES.results}`;
  let saved: SampleLogIndex | null = await SampleLogIndex.build(samplesPath);
  const fromSkyThought = saved.size === 0;
  const wanted = flags.ids
    ? new Set(flags.ids.split(",").map((s) => s.trim()).filter(Boolean))
    : null;
  if (wanted) {
    const known = fromSkyThought ? await resultIds(resultsPath, wanted) : saved;
    const missing = [...wanted].filter((id) => !known.has(id));
    if (missing.length) throw new UsageError(`--ids not in this run: ${missing.join(", ")}`);
  }
  // results.json is the file users post-process (e.g. stripping thinking):
  // when its response text differs from the log's, its text is scored.
  const edits = fromSkyThought ? new Map() : await editedResults(resultsPath, saved);
  if (edits.size) {
    io.stderr(`note: scoring the edited text of ${edits.size} samples from results.json`);
  }
  let records: AsyncIterable<SampleRecord> | null = fromSkyThought
    ? recordsFromResults(resultsPath)
    : withEditedText(saved.records(), edits, resultsPath);
  // The index of the log as it was is not needed once its records are read.
  saved = null;

  // A SkyThought folder gets a new log, put in place only once it is whole.
  const logPath = fromSkyThought
    ? `${samplesPath}.tmp-${crypto.randomUUID().slice(0, 8)}`
    : samplesPath;
  const log = await SampleLog.open(logPath, { truncate: fromSkyThought });
  let rescored = 0;
  try {
    let batch: SampleRecord[] = [];
    const flush = async () => {
      const toScore = batch.filter((r) => (!wanted || wanted.has(r.id)) && r.responses.length > 0);
      const scored = await scoreSamples(
        toScore,
        targetsOf(task, toScore.map((r) => r.row as Row)),
        scoring.scorers,
      );
      rescored += scored.length;
      const byId = new Map(scored.map((r) => [r.id, r]));
      const kept = fromSkyThought ? batch.map((r) => byId.get(r.id) ?? r) : scored;
      await Promise.all(kept.map((record) => log.append(record)));
      batch = [];
    };
    for await (const record of records) {
      batch.push(record);
      if (batch.length >= SCORE_BATCH) await flush();
    }
    await flush();
    records = null;
    await log.close();
    if (fromSkyThought) await Deno.rename(logPath, samplesPath);
  } catch (error) {
    await log.close().catch(() => {});
    if (fromSkyThought) await Deno.remove(logPath).catch(() => {});
    throw error;
  } finally {
    await scoring.close();
  }

  const recordedN = previous.n ??
    (configuration.sampling_params as { n?: number } | undefined)?.n;
  const summary = await writeRunFiles(runDir, (fold) => ({
    configuration,
    n: Number(recordedN ?? Math.max(1, fold.mostResponses)),
    expected: previous.expected_samples,
    status: fold.pendingResponses === 0 ? "scored" : "generated",
    scoring: scoring.describe(),
    fingerprint: {
      ...(previous.fingerprint ?? {}),
      rescored_with: VERSION,
      rescored_as_task: task.name,
    },
    version: VERSION,
  }));
  const accuracy = summary.accuracy === null
    ? "no accuracy (nothing scored)"
    : `accuracy ${(summary.accuracy * 100).toFixed(2)}%`;
  io.print(
    `rescored ${rescored} samples; ${accuracy} over ${summary.scored_responses} scored responses` +
      (summary.unscored_responses ? `, ${summary.unscored_responses} unscored` : "") +
      (summary.status === "partial"
        ? ` (partial: ${summary.missing_samples} of ${summary.expected_samples} problems missing, ${summary.pending_responses} responses not scored)`
        : ""),
  );
  const page = await writeRunReport(io, runDir, summary.num_samples);
  if (page) io.print(`report: ${page}`);
  return 0;
}

/**
 * The run's `summary.json`, or nothing when it is missing or corrupt but the
 * generations are there (it is rebuilt from them, with a note).
 */
async function readPreviousSummary(
  runDir: string,
  io: CommandIO,
): Promise<Partial<Summary> & { configuration?: Record<string, unknown> }> {
  const summaryPath = `${runDir}/${RUN_FILES.summary}`;
  try {
    return await readJson(summaryPath) as Partial<Summary>;
  } catch (error) {
    if (!(error instanceof RunDirError)) throw error;
    const generations = [RUN_FILES.samples, RUN_FILES.results].filter((file) => {
      try {
        return Deno.statSync(`${runDir}/${file}`).isFile;
      } catch {
        return false;
      }
    });
    if (generations.length === 0) {
      throw new UsageError(
        `Run folder "${runDir}" has no ${RUN_FILES.summary}, ${RUN_FILES.samples} or ${RUN_FILES.results}`,
      );
    }
    const why = /does not exist/.test(error.message) ? "is missing" : "is corrupt";
    io.stderr(`note: ${RUN_FILES.summary} ${why}; rebuilding it from ${generations[0]}`);
    return {};
  }
}

async function taskFor(
  name: string | undefined,
  configuration: Record<string, unknown>,
  dirs: string[],
  runDir: string,
): Promise<TaskDefinition> {
  const recorded = configuration.task as { name?: string; config?: TaskConfig } | undefined;
  if (name) return await loadTask(name, { dirs });
  if (recorded?.config) {
    const parsed = TaskConfigSchema.safeParse(recorded.config);
    if (parsed.success) {
      return { name: recorded.name ?? "task", config: parsed.data, source: "run" };
    }
  }
  if (recorded?.name) return await loadTask(recorded.name, { dirs });
  // A run folder is named `<model>_<task>_<hash>`: the longest task name that fits.
  const folder = runDir.replace(/^.*\//, "");
  const named = (await listTaskNames({ dirs }))
    .filter((task) => folder.includes(`_${task}_`) || folder.startsWith(`${task}_`))
    .sort((a, b) => b.length - a.length)[0];
  if (named) return await loadTask(named, { dirs });
  throw new UsageError("score: the run records no task; pass --task");
}

/** The entries of a `results.json`, streamed, with its failures as one clear error. */
async function* resultEntries(path: string): AsyncGenerator<JsonObjectEntry> {
  try {
    yield* jsonObjectEntries(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new RunDirError(`Run file "${path}" does not exist`);
    }
    if (!(error instanceof SyntaxError)) throw error;
    if (/^not a JSON object/.test(error.message)) {
      throw new UsageError("results.json is not an object");
    }
    throw new RunDirError(`Run file "${path}" is corrupt: ${error.message}`);
  }
}

/** Which of the `wanted` ids a `results.json` holds. */
async function resultIds(path: string, wanted: ReadonlySet<string>): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const entry of resultEntries(path)) if (wanted.has(entry.key)) ids.add(entry.key);
  return ids;
}

/**
 * Where `results.json` holds response text that differs from the log's,
 * by id (the value's byte range); none when it is missing or unreadable.
 */
async function editedResults(
  path: string,
  saved: SampleLogIndex,
): Promise<Map<string, JsonObjectEntry>> {
  const edits = new Map<string, JsonObjectEntry>();
  const reader = await saved.reader();
  try {
    for await (const entry of jsonObjectEntries(path)) {
      const record = reader.read(entry.key);
      const texts = responseTexts(entry.value);
      if (!record || texts.length !== record.responses.length) continue;
      if (texts.every((t, i) => t === record.responses[i].content)) continue;
      edits.set(entry.key, { ...entry, value: undefined });
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof RunDirError) throw error;
    return new Map();
  } finally {
    reader.close();
  }
  return edits;
}

function responseTexts(value: unknown): string[] {
  const responses = (value as { responses?: unknown } | null)?.responses;
  return listOf<{ content: string }>(responses).map((r) => r.content);
}

/** The log's records, with the response text edited in `results.json` where it was. */
async function* withEditedText(
  records: AsyncIterable<SampleRecord>,
  edits: ReadonlyMap<string, JsonObjectEntry>,
  resultsPath: string,
): AsyncGenerator<SampleRecord> {
  if (edits.size === 0) return yield* records;
  const file = await Deno.open(resultsPath, { read: true });
  const reader = new WindowReader(file);
  const decoder = new TextDecoder();
  try {
    for await (const record of records) {
      const edit = edits.get(record.id);
      if (!edit) {
        yield record;
        continue;
      }
      const texts = responseTexts(
        JSON.parse(decoder.decode(reader.read(edit.offset, edit.length))),
      );
      yield { ...record, responses: record.responses.map((r, i) => ({ ...r, content: texts[i] })) };
    }
  } finally {
    file.close();
  }
}

/** Sample records from a SkyThought `results.json`, streamed. */
async function* recordsFromResults(path: string): AsyncGenerator<SampleRecord> {
  for await (const { key: id, value } of resultEntries(path)) {
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      throw new UsageError(`results.json entry "${id}" is not an object`);
    }
    yield recordFromResultEntry(id, value);
  }
}
