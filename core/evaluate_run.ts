/**
 * One run, start to finish, in its run folder: record the configuration,
 * generate (and score) every sample not already finished, and write
 * `results.json` and `summary.json`, also when interrupted. This is
 * `skyeval evaluate` / `generate` without the command line.
 *
 * Needs write access to the run folder and network access to the backend.
 *
 * @module
 */
import type { Backend } from "../backends/backend.ts";
import { VERSION } from "../version.ts";
import type { PreparedSample } from "./prepare.ts";
import { readJson, RUN_FILES, RunDirError, SampleLog, writeJson } from "./run_dir.ts";
import { type RunProgress, runSamples, writeRunFiles } from "./run.ts";
import { configurationOf, runHash, type RunSpec, TRANSPORT_KEYS } from "./run_spec.ts";
import { configDiff, describeDiff } from "./config_diff.ts";
import { SampleLogIndex } from "./sample_log_index.ts";
import { type SampleStream, sampleStreamOf } from "./sample_stream.ts";
import type { Scorers } from "./score_samples.ts";
import { type Summary, type SummaryContext, SummaryFold } from "./summary.ts";

/** What was evaluated, for the fingerprint. */
export interface DatasetInfo {
  origin: string;
  files: string[];
  contentHash: string;
  rows: number;
}

/** Options of `evaluateRun`. */
export interface EvaluateRunOptions {
  spec: RunSpec;
  /** The samples in memory, or streamed (a dataset larger than memory). */
  samples: readonly PreparedSample[] | SampleStream;
  dataset: DatasetInfo;
  backend: Backend;
  runDir: string;
  /** Keep the samples already in the folder; otherwise the folder starts afresh. */
  resume: boolean;
  /** Score as samples finish (evaluate); absent for generate. */
  scorers?: Scorers;
  /** What to record about the scorers, asked when files are written. */
  describeScoring?: () => Record<string, unknown>;
  /** Requests in flight (default: the backend's limit). */
  concurrency?: number;
  signal?: AbortSignal;
  onStart?: (info: { total: number; alreadyDone: number }) => void;
  /** Something the user should know that does not stop the run. */
  onNote?: (line: string) => void;
  onProgress?: (progress: RunProgress) => void;
}

/** How a run ended. */
export interface EvaluateRunResult {
  summary: Summary;
  /** The signal aborted it: finished samples are saved and the summary says `interrupted`. */
  interrupted: boolean;
}

/** Runs one evaluation (or generation) into `runDir`. */
export async function evaluateRun(options: EvaluateRunOptions): Promise<EvaluateRunResult> {
  const { spec, runDir } = options;
  const samples = "open" in options.samples ? options.samples : sampleStreamOf(options.samples);
  await Deno.mkdir(runDir, { recursive: true });
  const samplesPath = `${runDir}/${RUN_FILES.samples}`;
  const existing = options.resume ? await SampleLogIndex.build(samplesPath) : undefined;
  const fingerprint = {
    run_hash: await runHash(spec),
    dataset: {
      origin: options.dataset.origin,
      files: options.dataset.files,
      sha256: options.dataset.contentHash,
      rows: options.dataset.rows,
    },
    prompt_sha256: samples.promptSha256,
    sampling: spec.sampling,
    backend: { name: spec.backend.name, model: spec.model.model_id },
    task_version: spec.task.config.version,
    skyeval_version: VERSION,
  };
  const configuration = configurationOf(spec);
  const context = (status: SummaryContext["status"], generated = true): SummaryContext => ({
    configuration,
    n: spec.n,
    status,
    expected: samples.total,
    scoring: options.describeScoring?.() ?? null,
    ...(generated ? { generation: generationReport(options.backend) } : {}),
    fingerprint,
    version: VERSION,
  });

  if (options.resume) await checkSameRun(runDir, fingerprint, configuration, options.onNote);
  const log = await SampleLog.open(samplesPath, { truncate: !options.resume });
  const sofar = new SummaryFold();
  if (existing) { for await (const record of existing.records()) sofar.add(record); }
  await writeJson(`${runDir}/${RUN_FILES.summary}`, sofar.finish(context("running", false)));
  options.onStart?.({ total: samples.total, alreadyDone: existing?.size ?? 0 });
  try {
    await runSamples(samples.open(), {
      backend: options.backend,
      n: spec.n,
      sampling: spec.sampling,
      total: samples.total,
      ...(existing ? { existing } : {}),
      log,
      ...(options.scorers ? { scorers: options.scorers } : {}),
      concurrency: options.concurrency ?? options.backend.maxConcurrency,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } catch (error) {
    await log.close();
    if (!options.signal?.aborted) {
      if (!options.resume) await removeIfNothingGenerated(runDir);
      throw error;
    }
    return { summary: await writeRunFiles(runDir, context("interrupted")), interrupted: true };
  }
  await log.close();
  const status = options.scorers ? "scored" : "generated";
  return { summary: await writeRunFiles(runDir, context(status)), interrupted: false };
}

/** What the backend reached in this session: requests in flight and retries by cause. */
function generationReport(backend: Backend): Record<string, unknown> {
  return {
    ...(backend.concurrency ? { concurrency: backend.concurrency() } : {}),
    ...(backend.retries ? { retries: backend.retries() } : {}),
  };
}

/**
 * Refuses to resume a folder made by a different run: its samples would be
 * mixed with this run's under the same `_index`.
 *
 * @throws {RunDirError} when the recorded configuration or dataset differs.
 */
async function checkSameRun(
  runDir: string,
  fingerprint: { run_hash: string; dataset: { sha256: string } },
  configuration: Record<string, unknown>,
  onNote: (line: string) => void = () => {},
): Promise<void> {
  let recorded: {
    configuration?: unknown;
    fingerprint?: { run_hash?: string; dataset?: { sha256?: string } };
  };
  try {
    recorded = await readJson(`${runDir}/${RUN_FILES.summary}`) as typeof recorded;
  } catch (error) {
    if (!(error instanceof RunDirError)) throw error;
    if (/is corrupt/.test(error.message)) {
      onNote(
        `${RUN_FILES.summary} is corrupt, so the settings cannot be compared; it is rebuilt from ${RUN_FILES.samples}`,
      );
    }
    return;
  }
  const hash = recorded.fingerprint?.run_hash;
  if (hash !== undefined && hash !== fingerprint.run_hash) {
    const differences = configDiff(
      recorded.configuration,
      JSON.parse(JSON.stringify(configuration)),
      (path) =>
        path === "task.source" ||
        (path.startsWith("backend.backend_args.") && TRANSPORT_KEYS.has(path.slice(21))),
    );
    throw new RunDirError(
      `Cannot resume "${runDir}": ${
        differences.length
          ? `its settings differ: ${describeDiff(differences)}`
          : `it was made with a different configuration (run ${hash}, these flags give ${fingerprint.run_hash})`
      }; use the flags it was started with`,
    );
  }
  const data = recorded.fingerprint?.dataset?.sha256;
  if (data && fingerprint.dataset.sha256 && data !== fingerprint.dataset.sha256) {
    throw new RunDirError(
      `Cannot resume "${runDir}": the dataset changed since it was started (sha256 ${
        data.slice(0, 12)
      }..., now ${fingerprint.dataset.sha256.slice(0, 12)}...)`,
    );
  }
}

/** Removes a new run folder that a failed start left with nothing generated in it. */
async function removeIfNothingGenerated(runDir: string): Promise<void> {
  const index = await SampleLogIndex.build(`${runDir}/${RUN_FILES.samples}`);
  for await (const record of index.records()) if (record.responses.length > 0) return;
  for (const file of [RUN_FILES.samples, RUN_FILES.summary]) {
    await Deno.remove(`${runDir}/${file}`).catch(() => {});
  }
  await Deno.remove(runDir).catch(() => {});
}
