/**
 * Everything that defines a run, its SkyThought-shaped `configuration`
 * block, and the 6-hex hash that names its folder. Any change in task,
 * prompt, split, rows, model, backend or sampling gives a new folder.
 *
 * @module
 */
import type { ModelConfig } from "../models/model_config.ts";
import type { TaskDefinition } from "../tasks/schema.ts";
import { hashValue } from "./hash.ts";

/** Sampling defaults, as in the reference. */
export const DEFAULT_SAMPLING: Readonly<Record<string, unknown>> = {
  temperature: 0,
  top_p: 1,
  max_tokens: 32768,
};

/** A fully resolved run. */
export interface RunSpec {
  task: TaskDefinition;
  model: ModelConfig;
  backend: { name: "openai" | "vllm" | "ray"; args: Record<string, unknown> };
  /** Merged sampling parameters, `n` included. */
  sampling: Record<string, unknown>;
  n: number;
  start: number;
  end: number;
  seed: number;
  asTest: boolean;
  /** `--dataset-path`, when the task's dataset was replaced by a local file. */
  datasetPath: string | null;
}

const SECRET_KEYS = /key|token|secret|password|authorization/i;

/** Backend args with secrets masked, as recorded and hashed. */
export function redactArgs(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(args).map(([k, v]) => [k, SECRET_KEYS.test(k) ? "<redacted>" : v]),
  );
}

/** The `configuration` block of `summary.json` (SkyThought's keys). */
export function configurationOf(spec: RunSpec): Record<string, unknown> {
  return {
    task: {
      name: spec.task.name,
      config: spec.task.config,
      start: spec.start,
      end: spec.end,
      source: spec.task.source,
      dataset_path_override: spec.datasetPath,
    },
    model: { name: spec.model.model_id, config: spec.model },
    backend: { name: spec.backend.name, backend_args: redactArgs(spec.backend.args) },
    sampling_params: spec.sampling,
    n: spec.n,
    seed: spec.seed,
    as_test: spec.asTest,
  };
}

/**
 * Backend args that say how to reach a server, not what it generates: they
 * are recorded but left out of the hash, so moving a server or adding
 * replicas keeps the same run folder (and `--resume-from` target).
 */
export const TRANSPORT_KEYS: ReadonlySet<string> = new Set([
  "base_url",
  "base_urls",
  "api_key",
  "organization",
  "project",
  "timeout",
  "max_retries",
  "retry_base_delay",
  "retry_max_delay",
  "concurrency",
  "routing",
  "stream",
  "host",
  "port",
  "startup_timeout",
  "deploy_timeout",
  "deploy_poll_interval",
]);

/** The run hash: first 6 hex digits of the configuration's SHA-256. */
export async function runHash(spec: RunSpec): Promise<string> {
  const { task, backend, ...rest } = configurationOf(spec) as {
    task: Record<string, unknown>;
    backend: { name: string; backend_args: Record<string, unknown> };
  };
  // Where the task file lives does not change the run; its content does.
  const { source: _source, ...taskRest } = task;
  const args = Object.fromEntries(
    Object.entries(backend.backend_args).filter(([k]) => !TRANSPORT_KEYS.has(k)),
  );
  return (await hashValue({ ...rest, task: taskRest, backend: { ...backend, backend_args: args } }))
    .slice(0, 6);
}
