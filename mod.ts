/**
 * skyeval as a library: the pieces of `skyeval evaluate` as plain functions
 * over plain data. Importing this module needs no permissions; each function
 * asks only for what it touches (datasets: read/net to the source; backends:
 * net to the server; run files: read/write to the result folder; the task
 * and model registries: read access to their folders).
 *
 * @example Grade responses with the TypeScript grader
 * ```ts
 * import { tsAnswerGrader } from "./mod.ts";
 * const [score] = tsAnswerGrader().grade([
 *   { response: "So the answer is $\\boxed{\\frac{1}{2}}$.", gold: "0.5", format: "math" },
 * ]);
 * if (score.verdict !== "correct") throw new Error(score.verdict);
 * ```
 *
 * @module
 */
export * from "./core/verdict.ts";
export { estimateMean, type MeanEstimate, passAtK, passAtKValues } from "./core/metrics.ts";
export { type MultiArgs, parseMultiArgs } from "./core/multi_args.ts";
export { buildConversation } from "./core/conversation.ts";
export { indexRows, type PreparedSample, prepareSamples, targetsOf } from "./core/prepare.ts";
export { type RunOptions, type RunProgress, runSamples, writeRunFiles } from "./core/run.ts";
export {
  type DatasetInfo,
  evaluateRun,
  type EvaluateRunOptions,
  type EvaluateRunResult,
} from "./core/evaluate_run.ts";
export { configurationOf, DEFAULT_SAMPLING, runHash, type RunSpec } from "./core/run_spec.ts";
export { RUN_FILES, runDirName, SampleLog } from "./core/run_dir.ts";
export { resultsOrder, SampleLogIndex, type SampleLogReader } from "./core/sample_log_index.ts";
export { ListHasher, type SampleStream, sampleStreamOf } from "./core/sample_stream.ts";
export type { ResponseRecord, SampleRecord } from "./core/sample_record.ts";
export { type Scorers, scoreSamples } from "./core/score_samples.ts";
export { summarize, type Summary, SummaryFold } from "./core/summary.ts";
export {
  type RunStatistics,
  runStatistics,
  RunStatisticsAccumulator,
} from "./core/stats/run_statistics.ts";
export { clusteredAccuracy, type ClusteredEstimate } from "./core/stats/clustered.ts";
export { majorityVote, type Vote } from "./core/stats/majority.ts";
export { mcnemarExactP } from "./core/stats/mcnemar.ts";
export { type BootstrapResult, pairedBootstrap } from "./core/stats/paired_bootstrap.ts";
export { problemsToResolve } from "./core/stats/sample_size.ts";
export { type ComparedRun, compareRuns, type RunComparison } from "./core/compare_runs.ts";
export { type ReportData, reportData } from "./report/report_data.ts";
export { reportHtml } from "./report/report_html.ts";
export { buildResults, resultEntry, ResultsFileWriter } from "./core/results_file.ts";
export { listTaskNames, loadTask, parseTaskConfig, TaskConfigError } from "./tasks/registry.ts";
export { type TaskConfig, TaskConfigSchema, type TaskDefinition } from "./tasks/schema.ts";
export type { AnswerTarget, CodeTarget, Target, TaskHandler } from "./tasks/handler.ts";
export { loadModelCatalog, type ModelConfig, resolveModelConfig } from "./models/model_config.ts";
export {
  type AnswerFormat,
  type AnswerGrader,
  type AnswerItem,
  extractMathAnswer,
  tsAnswerGrader,
} from "./scoring/answer/mod.ts";
export { type Backend, BackendError, createBackend } from "./backends/mod.ts";
export { DatasetError, type DatasetSource, loadDataset } from "./datasets/mod.ts";
export { VERSION } from "./version.ts";
