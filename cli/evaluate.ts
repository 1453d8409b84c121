/**
 * `skyeval evaluate` and `skyeval generate`: load a task's dataset, build
 * conversations, generate through a backend, (score,) and write the run
 * folder. Flags keep SkyThought's names and meaning.
 *
 * @module
 */
import { resolve } from "node:path";
import {
  type Backend,
  type ConcurrencyLevel,
  createBackend,
  DEFAULT_CONCURRENCY,
} from "../backends/mod.ts";
import { DEFAULT_SAMPLING, runHash, type RunSpec } from "../core/run_spec.ts";
import {
  canStream,
  type PreparedSample,
  type PrepareOptions,
  prepareSamples,
  streamSamples,
} from "../core/prepare.ts";
import type { SampleStream } from "../core/sample_stream.ts";
import { checkSamplingParams } from "../core/sampling_params.ts";
import { isNonEmptyDir, RUN_FILES, runDirName } from "../core/run_dir.ts";
import { type DatasetInfo, evaluateRun } from "../core/evaluate_run.ts";
import type { Summary } from "../core/summary.ts";
import { type DatasetSource, datasetSourceOf } from "../datasets/source.ts";
import {
  DatasetError,
  loadDataset,
  type LoadedDataset,
  type LoadOptions,
  type ProgressEvent,
  streamLocalFile,
} from "../datasets/mod.ts";
import { HubNetworkError } from "../datasets/hub_http.ts";
import { loadModelCatalog, resolveModelConfig } from "../models/model_config.ts";
import { loadTask, withTaskArgs } from "../tasks/registry.ts";
import { applyTaskSelection, selectsRows } from "../tasks/local_selection.ts";
import type { TaskDefinition } from "../tasks/schema.ts";
import { intFlag, multiArgsFlag, parseFlags, unescapeFlag } from "./flags.ts";
import { type CommandIO, UsageError } from "./io.ts";
import { chooseScorers, scorerChoice } from "./scorers.ts";
import { progressReporter } from "./progress.ts";
import { resumeCommand } from "./resume_command.ts";
import { checkWritable } from "./writable_dir.ts";
import { statisticsLines } from "./statistics_lines.ts";
import { writeRunReport } from "./run_report.ts";

const FLAGS = {
  task: { type: "string" },
  model: { type: "string" },
  backend: { type: "string", default: "vllm" },
  "backend-args": { type: "string" },
  "sampling-params": { type: "string" },
  n: { type: "string" },
  "batch-size": { type: "string" },
  "system-prompt-name": { type: "string" },
  "system-prompt": { type: "string" },
  "assistant-prefill": { type: "string" },
  "result-dir": { type: "string" },
  start: { type: "string" },
  end: { type: "string" },
  seed: { type: "string" },
  overwrite: { type: "boolean", default: false },
  "resume-from": { type: "string" },
  "task-args": { type: "string" },
  "as-test": { type: "boolean", default: false },
  "dataset-path": { type: "string" },
  concurrency: { type: "string" },
  scorer: { type: "string" },
  grader: { type: "string" },
  "tasks-dir": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

/** Help text for `evaluate` / `generate`. */
export function evaluateHelp(command: "evaluate" | "generate"): string {
  const what = command === "evaluate"
    ? "Generate responses for a task and score them."
    : "Generate responses for a task and save them unscored (score later with `skyeval score`).";
  return `Usage: skyeval ${command} --task TASK --model MODEL [options]

${what}

Required:
  --task TASK                 task name (see \`skyeval list tasks\`) or a task file path (.yaml)
  --model MODEL               model id (HF repo id, local path or API model name)

Generation:
  --backend NAME              openai | vllm | ray (default: vllm); all talk HTTP
  --backend-args K=V,...      e.g. base_url=http://host:8000/v1 or tensor_parallel_size=8 (or JSON)
  --sampling-params K=V,...   merged over temperature=0,top_p=1,max_tokens=32768 (or JSON);
                              OpenAI/vLLM keys only, others via extra_body={"key": value}
  --n N                       responses per problem (temperature 0 forces 1)
  --batch-size N              accepted for compatibility; use --concurrency
  --concurrency N|auto        requests in flight over all base_urls, each carrying --n choices
                              (default ${DEFAULT_CONCURRENCY}); auto finds the server's level
  --system-prompt-name NAME   a named system prompt (see \`skyeval list prompts\`)
  --system-prompt TEXT        a literal system prompt (\\n escapes decoded)
  --assistant-prefill TEXT    text the model continues, e.g. "<think>\\n"

Data:
  --dataset-path PATH         local .jsonl/.json/.parquet/.csv instead of the task's dataset
  --task-args K=V,...         override task file fields, e.g. dataset_split=test
  --start N / --end N         row range after filtering (end exclusive; 0 or negative = all)
  --as-test                   smoke test: 10 rows, max_tokens 2048
  --seed N                    seed for option shuffles (default 41)
  --tasks-dir DIR             extra folder of task files (repeatable)

Output:
  --result-dir DIR            parent of the run folder (default ./)
  --resume-from DIR           continue a run folder: finished samples are kept, the rest generated
                              (--result-dir may stay if DIR is inside it)
  --overwrite                 reuse a non-empty run folder, starting it afresh
${
    command === "evaluate"
      ? "  --scorer auto|native|ts      grading path (default auto: native when built)\n" +
        "  --grader skyeval|skythought  answer rules (skythought: the reference's leniencies)\n"
      : ""
  }
Environment: OPENAI_API_KEY, OPENAI_BASE_URL, VLLM_API_KEY, HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE,
SKYEVAL_CACHE_DIR, SKYEVAL_SANDBOX_ISOLATION (reset, the default, or snapshot).`;
}

function concurrencyFlag(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--concurrency must be an integer >= 1 or "auto", got "${value}"`);
  }
  return n;
}

function cacheDir(io: CommandIO): string {
  const explicit = io.env("SKYEVAL_CACHE_DIR");
  if (explicit) return explicit;
  const base = io.env("XDG_CACHE_HOME") ?? `${io.env("HOME") ?? "."}/.cache`;
  return `${base}/skyeval`;
}

function datasetSource(task: TaskDefinition, datasetPath: string | undefined): DatasetSource {
  if (datasetPath) return { kind: "file", path: datasetPath };
  const { dataset_path, dataset_subset, dataset_split, dataset_kwargs } = task.config;
  // A task file may name a local data file, relative to the task file (a URL is not one).
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(dataset_path);
  if (
    !isUrl &&
    (/^\.{0,2}\//.test(dataset_path) || /\.(jsonl|json|parquet|csv)$/i.test(dataset_path))
  ) {
    const base = task.source.startsWith("/") ? task.source.replace(/[^/]*$/, "") : "";
    return {
      kind: "file",
      path: dataset_path.startsWith("/") ? dataset_path : base + dataset_path,
    };
  }
  const { revision, ...kwargs } = dataset_kwargs as { revision?: string };
  try {
    return datasetSourceOf(dataset_path, {
      subset: dataset_subset,
      split: dataset_split,
      revision: revision ?? null,
      kwargs,
    });
  } catch (error) {
    throw new UsageError(`Task "${task.name}": ${(error as Error).message}`);
  }
}

/** Runs `evaluate` or `generate`; returns the exit code. */
export async function runEvaluate(
  command: "evaluate" | "generate",
  args: string[],
  io: CommandIO,
): Promise<number> {
  const { values: flags } = parseFlags(command, args, FLAGS);
  if (flags.help) {
    io.print(evaluateHelp(command));
    return 0;
  }
  if (!flags.task) throw new UsageError(`${command}: missing option --task`);
  if (!flags.model) throw new UsageError(`${command}: missing option --model`);
  const backendName = flags.backend.toLowerCase();
  if (backendName !== "openai" && backendName !== "vllm" && backendName !== "ray") {
    throw new UsageError(`--backend must be openai, vllm or ray, got "${flags.backend}"`);
  }
  if (flags["resume-from"] && flags.overwrite) {
    throw new UsageError("Use either --resume-from or --overwrite, not both");
  }
  const resumeFrom = flags["resume-from"]?.replace(/\/+$/, "");
  if (resumeFrom !== undefined && flags["result-dir"] !== undefined) {
    const parent = resumeFrom.includes("/") ? resumeFrom.replace(/\/[^/]*$/, "") : ".";
    if (resolve(parent) !== resolve(flags["result-dir"])) {
      throw new UsageError(
        `--resume-from "${resumeFrom}" is not inside --result-dir "${
          flags["result-dir"]
        }"; drop --result-dir to resume it`,
      );
    }
  }

  let task = await loadTask(flags.task, { dirs: flags["tasks-dir"] ?? [] });
  const taskArgs = multiArgsFlag("task-args", flags["task-args"]);
  if (Object.keys(taskArgs).length) {
    task = { ...task, config: withTaskArgs(task.config, taskArgs, task.name) };
  }
  const catalog = await loadModelCatalog();
  const model = resolveModelConfig(flags.model, catalog, {
    systemPromptName: flags["system-prompt-name"] ?? null,
    systemPrompt: unescapeFlag(flags["system-prompt"]) ?? null,
    assistantPrefill: unescapeFlag(flags["assistant-prefill"]) ?? null,
  });

  let sampling: Record<string, unknown> = {
    ...DEFAULT_SAMPLING,
    ...multiArgsFlag("sampling-params", flags["sampling-params"]),
  };
  if (flags.n !== undefined) sampling.n = intFlag("n", flags.n, 1, 1);
  let n = intFlag("n", sampling.n === undefined ? undefined : String(sampling.n), 1, 1);
  if (flags["as-test"]) sampling.max_tokens = 2048;
  try {
    sampling = checkSamplingParams(sampling);
  } catch (error) {
    throw new UsageError(`--sampling-params: ${(error as Error).message}`);
  }
  const backendArgs = multiArgsFlag("backend-args", flags["backend-args"]);
  if (flags["batch-size"] !== undefined) {
    intFlag("batch-size", flags["batch-size"], 64, 1);
    if (backendName !== "vllm") {
      throw new UsageError("Batch size is only supported for the vllm backend");
    }
  }
  const start = intFlag("start", flags.start, 0, 0);
  let end = intFlag("end", flags.end, -1);
  if (flags["as-test"]) end = start + 10;
  const seed = intFlag("seed", flags.seed, 41);
  const concurrency: ConcurrencyLevel = flags.concurrency === "auto"
    ? "auto"
    : concurrencyFlag(flags.concurrency);
  if (command === "generate" && flags.scorer !== undefined) {
    throw new UsageError("generate: --scorer is for evaluate and score");
  }
  scorerChoice(flags.scorer, flags.grader);

  const forcedSingle = Number(sampling.temperature) === 0 && n > 1;
  if (forcedSingle) n = 1;
  sampling.n = n;

  const spec: RunSpec = {
    task,
    model,
    backend: { name: backendName, args: backendArgs },
    sampling,
    n,
    start,
    end,
    seed,
    asTest: flags["as-test"],
    datasetPath: flags["dataset-path"] ?? null,
  };
  const hash = await runHash(spec);
  let runDir: string;
  if (resumeFrom !== undefined) {
    runDir = resumeFrom;
    const isDirectory = await Deno.stat(runDir).then((info) => info.isDirectory, () => null);
    if (isDirectory === null) {
      throw new UsageError(`--resume-from: run folder "${runDir}" does not exist`);
    }
    if (!isDirectory) throw new UsageError(`--resume-from "${runDir}" is a file, not a run folder`);
  } else {
    const parent = (flags["result-dir"] ?? "./").replace(/\/+$/, "") || ".";
    runDir = `${parent}/${runDirName(flags.model, task.name, hash)}`;
    if (!flags.overwrite && await isNonEmptyDir(runDir)) {
      throw new UsageError(
        `Run folder "${runDir}" already exists and is not empty: pass --resume-from ${runDir} to continue it or --overwrite to start it afresh`,
      );
    }
  }
  await checkWritable(runDir);

  // Every check passed: notes and warnings may follow.
  if (!model.system_prompt && !(flags.model in catalog.models)) {
    io.stderr(`note: model "${flags.model}" has no configured system prompt; none is sent`);
  }
  if (forcedSingle) {
    io.stderr("warning: Temperature 0 does not support multiple samples. Setting n=1.");
  }

  const scoring = command === "evaluate" ? chooseScorers(flags.scorer, io, flags.grader) : null;

  // Everything a user can get wrong is checked before anything is written.
  const source = datasetSource(task, flags["dataset-path"]);
  const cache = cacheDir(io);
  const loadOptions = {
    hubEndpoint: io.env("HF_ENDPOINT"),
    hubToken: io.env("HF_TOKEN") ?? null,
    cacheDir: cache,
    offline: ["1", "true", "yes"].includes(
      (io.env("HF_HUB_OFFLINE") ?? io.env("HF_DATASETS_OFFLINE") ?? "").toLowerCase(),
    ),
    signal: io.signal,
    onProgress: downloadReporter(io),
  };
  io.stderr(`loading ${source.kind === "file" ? source.path : task.config.dataset_path} ...`);
  const load = (which: DatasetSource) => loadWithCacheFallback(which, loadOptions, io);
  const select = flags["dataset-path"]
    ? (rows: Record<string, unknown>[]) => {
      const local = applyTaskSelection(task.config, rows);
      for (const note of local.notes) io.stderr(`note: --dataset-path: ${note}`);
      return local.rows;
    }
    : null;
  const { samples, total, dataset } = await loadSamples(task, source, load, select, {
    model,
    start,
    end,
    seed,
    loadAuxiliary: async (aux) => (await load(aux)).rows,
  });
  if (total === 0) throw new UsageError(`Task "${task.name}" selected no rows`);
  if (
    task.config.handler === "livecodebench" &&
    Array.isArray(samples) && samples.every((s) => !s.row.private_test_count)
  ) {
    io.stderr("note: the dataset has no private tests; responses are judged on public tests only");
  }

  const backend = await createBackend(backendName, flags.model, backendArgs, {
    env: {
      openaiApiKey: io.env("OPENAI_API_KEY"),
      openaiBaseUrl: io.env("OPENAI_BASE_URL"),
      vllmApiKey: io.env("VLLM_API_KEY"),
      proxy: ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"].some((name) => !!io.env(name)),
    },
    onLog: io.stderr,
    concurrency,
  });
  const progress = progressReporter(io, total);
  try {
    const { summary, interrupted } = await evaluateRun({
      spec,
      samples,
      dataset,
      backend,
      runDir,
      resume: flags["resume-from"] !== undefined,
      ...(scoring ? { scorers: scoring.scorers, describeScoring: scoring.describe } : {}),
      signal: io.signal,
      onNote: (line) => io.stderr(`note: ${line}`),
      onStart: ({ total, alreadyDone }) =>
        io.stderr(`run folder: ${runDir} (${total} problems x ${n}, ${alreadyDone} already done)`),
      onProgress: progress.update,
    }).finally(() => {
      progress.done();
      reportGeneration(io, backend);
    });
    if (interrupted) {
      const generated = summary.expected_samples - summary.missing_samples;
      const unscored = command === "evaluate" && summary.pending_responses
        ? ` (${summary.pending_responses} responses not scored yet)`
        : "";
      io.stderr(
        `interrupted: ${generated} of ${summary.expected_samples} samples generated${unscored} and saved in ${runDir}; to continue:`,
      );
      io.stderr(`  ${resumeCommand(command, args, runDir)}`);
      return 130;
    }
    report(io, summary, runDir);
    if (command === "evaluate") {
      const page = await writeRunReport(io, runDir, summary.num_samples);
      if (page) io.print(`report: ${page}`);
    }
    if (summary.errored_samples === 0) return 0;
    io.print(`to retry the failed samples: ${resumeCommand(command, args, runDir)}`);
    return 1;
  } finally {
    progress.done();
    await scoring?.close();
    await backend.close();
  }
}

/** The `auto` level and the retries by cause, one line each, before the run's last lines. */
function reportGeneration(io: CommandIO, backend: Backend): void {
  const reached = backend.concurrency?.();
  if (reached?.auto) {
    io.stderr(
      `concurrency auto: ${
        reached.auto.settled ? "settled at" : "still searching, at"
      } ${reached.auto.level} in flight (peak ${reached.peak}, mean ${reached.mean})`,
    );
  }
  for (const { cause, count } of backend.retries?.() ?? []) {
    io.stderr(`retried ${count} time${count === 1 ? "" : "s"}: ${cause}`);
  }
}

/**
 * The samples of a run: a local JSON Lines, CSV or Parquet file of a task that
 * keeps rows as they are is streamed (it may be larger than memory);
 * anything else is loaded whole.
 */
async function loadSamples(
  task: TaskDefinition,
  source: DatasetSource,
  load: (which: DatasetSource) => Promise<LoadedDataset>,
  select: ((rows: Record<string, unknown>[]) => Record<string, unknown>[]) | null,
  options: PrepareOptions,
): Promise<{ samples: PreparedSample[] | SampleStream; total: number; dataset: DatasetInfo }> {
  if (source.kind === "file" && canStream(task) && !(select && selectsRows(task.config))) {
    const streamed = streamLocalFile(source.path);
    if (streamed) {
      const samples = await streamSamples(task, streamed, options);
      if (samples.rows === 0) {
        throw new DatasetError(`Cannot read dataset "${source.path}": the file has no rows`);
      }
      const { origin, files } = streamed;
      const { contentHash, rows, total } = samples;
      return { samples, total, dataset: { origin, files, contentHash, rows } };
    }
  }
  const loaded = await load(source);
  const samples = await prepareSamples(task, select ? select(loaded.rows) : loaded.rows, options);
  const { origin, files, contentHash } = loaded;
  return {
    samples,
    total: samples.length,
    dataset: { origin, files, contentHash, rows: loaded.rows.length },
  };
}

/**
 * Loads a dataset; when the Hub cannot be reached at all, falls back to the
 * cached copy (as HF_HUB_OFFLINE would) and says so.
 */
async function loadWithCacheFallback(
  source: DatasetSource,
  options: LoadOptions,
  io: CommandIO,
): Promise<LoadedDataset> {
  try {
    return await loadDataset(source, options);
  } catch (error) {
    if (options.offline || !((error as Error).cause instanceof HubNetworkError)) throw error;
    let cached: LoadedDataset;
    try {
      cached = await loadDataset(source, { ...options, offline: true });
    } catch {
      throw error;
    }
    io.stderr(`note: the Hub cannot be reached; using the cached copy (${cached.origin})`);
    return cached;
  }
}

/** Reports download progress at most every 2 seconds per file, and once when a file ends. */
function downloadReporter(io: CommandIO): (event: ProgressEvent) => void {
  const last = new Map<string, number>();
  return (event) => {
    const now = Date.now();
    const done = event.total !== undefined && event.bytes >= event.total;
    if (!done && now - (last.get(event.file) ?? 0) < 2000) return;
    last.set(event.file, now);
    const mb = (n: number) => (n / 1e6).toFixed(1);
    io.stderr(
      `downloading ${event.file}: ${mb(event.bytes)}${
        event.total ? ` / ${mb(event.total)}` : ""
      } MB`,
    );
  };
}

function report(io: CommandIO, summary: Summary, runDir: string): void {
  const parts = [`${summary.num_samples} problems`, `${summary.num_responses} responses`];
  if (summary.accuracy !== null) {
    parts.push(
      `accuracy ${(summary.accuracy * 100).toFixed(2)}%` +
        (summary.status === "partial"
          ? ` (partial: over ${summary.covered_samples} of ${summary.expected_samples} problems)`
          : ""),
    );
    if (summary.ci95) {
      parts.push(
        `95% CI ${(summary.ci95[0] * 100).toFixed(1)}-${(summary.ci95[1] * 100).toFixed(1)}%`,
      );
    }
    if (summary.pass_at_k) {
      parts.push(
        Object.entries(summary.pass_at_k).map(([k, v]) => `pass@${k.slice(2)} ${v}%`).join(" "),
      );
    }
    if (summary.unscored_responses) parts.push(`${summary.unscored_responses} unscored`);
  }
  if (summary.errored_samples) parts.push(`${summary.errored_samples} failed to generate`);
  io.print(`${parts.join(", ")}`);
  if (summary.accuracy !== null) statisticsLines(summary.statistics, summary.n).forEach(io.print);
  io.print(`results: ${runDir}/${RUN_FILES.summary}`);
}
