/**
 * Generation backends: `openai`, `vllm` and `ray`, all over HTTP with the
 * OpenAI chat completions protocol, like SkyThought's `--backend`.
 *
 * Backend args (SkyThought's `--backend-args`), for every backend:
 * - `base_url` / `base_urls`: one or more servers (a list or comma-separated);
 *   requests go to the server with the fewest outstanding requests
 *   (`routing=round_robin` to rotate instead); a server refusing connections
 *   is set aside for a growing cooldown and tried again later.
 * - `api_key`, `max_retries` (6), `retry_base_delay` (0.5 s),
 *   `retry_max_delay` (20 s).
 * - `stream` (true): ask for SSE answers, assembled before returning; bytes
 *   keep flowing during long generations, and `idle_timeout` (300 s) ends an
 *   attempt that has been silent that long. `timeout` caps a whole attempt
 *   (none when streaming, 1800 s with `stream=false`).
 * - `concurrency`: a bound below the run's `concurrency` option (the CLI's
 *   `--concurrency`, requests in flight over all base URLs, default
 *   {@linkcode DEFAULT_CONCURRENCY}); higher values are ignored. Each
 *   request carries all `n` choices, so it counts once.
 * - `prefill=continue|ignore`: what to do with a final assistant turn.
 *   vllm/ray continue it (vLLM's `continue_final_message`); the OpenAI API
 *   cannot, so `openai` refuses a prefill unless told `ignore` (drop it) or,
 *   with a non-OpenAI `base_url` such as a vLLM server, `continue`.
 * - `reasoning=true|false`: force the OpenAI reasoning-model rules, which
 *   are otherwise chosen by model name for `openai` (o1, o3, o4, gpt-5...).
 *
 * `openai`: `api_key` (else `env.openaiApiKey`), `base_url` (else
 * `env.openaiBaseUrl`, else OpenAI), `organization`, `project`. Unknown keys
 * are rejected. With a non-OpenAI `base_url`, sampling keys OpenAI lacks
 * (`top_k`, `min_p`, ...) are sent as-is.
 *
 * `vllm`: with `base_url`, talks to running servers. Without it, launches
 * `vllm serve <model>` on a free port with every other arg as a flag
 * (`tensor_parallel_size=8` gives `--tensor-parallel-size 8`), waits up to
 * `startup_timeout` seconds (1800) for `/health`, and stops it on close.
 * `host`/`port` pick the address (default 127.0.0.1 and a free port);
 * `vllm_command` (or `options.vllmCommand`) replaces the `vllm` executable.
 * The server runs in its own process group so that close() can stop its
 * engine workers too: a CLI must therefore close the backend on SIGINT and
 * SIGTERM, or the server outlives it. A server that dies mid-run ends the
 * failing request with its exit status and the tail of its output.
 * `token_ids=false` stops asking vLLM for per-choice `token_ids`.
 *
 * `ray`: talks to a Ray Serve LLM OpenAI app (`base_url`, default
 * `http://127.0.0.1:8000/v1`). With `deploy=true` it first deploys the
 * model through the Serve REST API at `ray_address` (default
 * `http://127.0.0.1:8265`) using SkyThought's knobs (`tensor_parallel_size`,
 * `num_replicas`, `gpu_memory_utilization`, `dtype`, `accelerator_type`,
 * `batch_size`; other keys become vLLM `engine_kwargs`), and waits up to
 * `deploy_timeout` seconds (1800) for RUNNING (then checks that a Serve
 * route lists the model), polling every
 * `deploy_poll_interval` seconds (2); `app_name` ("skyeval"), `route_prefix`
 * ("/"), `model_source` and `runtime_env` shape the app, and
 * `undeploy=true` removes it on close. A deployed app's default concurrency
 * is still `--concurrency`; pass `concurrency` to bound it lower.
 *
 * Tokens: each completion gets its own count, `reported` when the server
 * counts per choice (vLLM `token_ids`, asked for by default on vllm/ray, or
 * n = 1), otherwise an estimate marked with how it was made
 * (`stream_chunks` or `apportioned`, see `token_usage.ts`). Prompt tokens
 * are counted once per request.
 *
 * Every backend sends its requests through `chat_request.ts`: plain `http:`
 * servers over a lean HTTP/1.1 client, others (and any proxy) over `fetch`.
 *
 * @module
 */

import { type Backend, BackendError, type ConcurrencyLevel } from "./backend.ts";
import {
  ArgReader,
  COMMON_ARG_KEYS,
  type CommonArgs,
  normaliseBaseUrl,
  readCommonArgs,
} from "./backend_args.ts";
import { ChatBackend, type ChatBackendConfig } from "./chat_backend.ts";
import { isReasoningModel } from "./reasoning_model.ts";
import {
  buildServeLlmApp,
  checkServedModel,
  deployServeApp,
  RAY_DEFAULTS,
  removeServeApp,
  serveBaseUrl,
} from "./ray_serve_app.ts";
import { launchVllmServer } from "./vllm_launcher.ts";
import { vllmServeFlags } from "./vllm_serve_flags.ts";

export * from "./backend.ts";
export { ChatBackend, type ChatBackendConfig } from "./chat_backend.ts";
export { buildChatBody, type ChatBodyOptions, hasPrefill } from "./chat_body.ts";
export { isReasoningModel } from "./reasoning_model.ts";
export { completionTokenCounts } from "./token_usage.ts";

/** Values the CLI reads from the environment and passes in (backends never read env). */
export interface BackendEnv {
  /** `OPENAI_API_KEY`. */
  openaiApiKey?: string;
  /** `OPENAI_BASE_URL`. */
  openaiBaseUrl?: string;
  /** `VLLM_API_KEY`: key for vLLM servers (sent, and given to a launched server). */
  vllmApiKey?: string;
  /** An HTTP proxy is set (`HTTP_PROXY`, `ALL_PROXY`): requests then go through `fetch`, which uses it. */
  proxy?: boolean;
}

/** Options of {@linkcode createBackend}. */
export interface CreateBackendOptions {
  env?: BackendEnv;
  fetch?: typeof fetch;
  /** Progress and server output lines, for the CLI to print. */
  onLog?: (line: string) => void;
  /** The `vllm` executable and leading args (default `["vllm"]`). */
  vllmCommand?: string[];
  /** Requests in flight over all base URLs (default {@linkcode DEFAULT_CONCURRENCY}). */
  concurrency?: ConcurrencyLevel;
}

/** Requests in flight when the run names no number. */
export const DEFAULT_CONCURRENCY = 64;

/** Backend names, as `--backend` takes them. */
export const BACKEND_NAMES = ["openai", "vllm", "ray"] as const;

const OPENAI_BASE_URL = "https://api.openai.com/v1";

/**
 * Makes the backend `name` for `model` from SkyThought-style backend args.
 *
 * @throws {TypeError} or {RangeError} for a bad or unknown arg.
 * @throws {BackendError} when a server cannot be launched or deployed.
 */
export async function createBackend(
  name: "openai" | "vllm" | "ray",
  model: string,
  args: Record<string, unknown>,
  options: CreateBackendOptions = {},
): Promise<Backend> {
  const reader = new ArgReader(name, args);
  const common = readCommonArgs(reader);
  switch (name) {
    case "openai":
      return createOpenAIBackend(model, reader, common, options);
    case "vllm":
      return await createVllmBackend(model, reader, common, options);
    case "ray":
      return await createRayBackend(model, reader, common, options);
    default:
      throw new TypeError(
        `Unknown backend "${name}": expected one of ${
          BACKEND_NAMES.map((b) => `"${b}"`).join(", ")
        }`,
      );
  }
}

function createOpenAIBackend(
  model: string,
  reader: ArgReader,
  common: CommonArgs,
  options: CreateBackendOptions,
): Backend {
  const organization = reader.string("organization");
  const project = reader.string("project");
  reader.rejectUnknown([...COMMON_ARG_KEYS, "organization", "project"]);
  const baseUrls = common.baseUrls.length > 0
    ? common.baseUrls
    : [normaliseBaseUrl(options.env?.openaiBaseUrl ?? OPENAI_BASE_URL)];
  const official = baseUrls.some((url) => new URL(url).hostname === "api.openai.com");
  const apiKey = common.apiKey ?? options.env?.openaiApiKey;
  if (official && !apiKey) {
    throw new BackendError(
      "The openai backend needs an API key: set OPENAI_API_KEY or pass --backend-args api_key=...",
    );
  }
  const headers: Record<string, string> = {};
  if (organization) headers["OpenAI-Organization"] = organization;
  if (project) headers["OpenAI-Project"] = project;
  return new ChatBackend({
    ...transport(common, options),
    info: { name: "openai", model, baseUrls },
    apiKey,
    headers,
    body: {
      dialect: "openai",
      reasoning: common.reasoning ?? isReasoningModel(model),
      prefill: common.prefill ?? "reject",
      passThrough: !official,
      returnTokenIds: false,
    },
  });
}

async function createVllmBackend(
  model: string,
  reader: ArgReader,
  common: CommonArgs,
  options: CreateBackendOptions,
): Promise<Backend> {
  const returnTokenIds = reader.boolean("token_ids") ?? true;
  const apiKey = common.apiKey ?? options.env?.vllmApiKey;
  const config = (
    baseUrls: string[],
    onClose?: () => Promise<void>,
    serverFailure?: () => string | null,
  ): ChatBackendConfig => ({
    ...transport(common, options),
    info: { name: "vllm", model, baseUrls },
    apiKey,
    onClose,
    serverFailure,
    body: vllmBody(common, returnTokenIds),
  });
  if (common.baseUrls.length > 0) {
    const ignored = Object.keys(reader.rest());
    if (ignored.length > 0) {
      options.onLog?.(
        `Ignoring vLLM engine args ${ignored.join(", ")}: base_url points at a running server`,
      );
    }
    return new ChatBackend(config(common.baseUrls));
  }
  const command = reader.list("vllm_command") ?? options.vllmCommand ?? ["vllm"];
  const startupTimeoutMs = 1000 * (reader.number("startup_timeout", { min: 1 }) ?? 1800);
  const port = reader.number("port", { min: 1, integer: true });
  const host = reader.string("host");
  const flags = vllmServeFlags(reader.rest());
  if (apiKey) flags.push("--api-key", apiKey);
  const server = await launchVllmServer({
    command,
    model,
    flags,
    host,
    port,
    startupTimeoutMs,
    onLog: options.onLog,
    fetch: options.fetch,
  });
  return new ChatBackend(config([server.baseUrl], server.stop, server.failure));
}

async function createRayBackend(
  model: string,
  reader: ArgReader,
  common: CommonArgs,
  options: CreateBackendOptions,
): Promise<Backend> {
  const returnTokenIds = reader.boolean("token_ids") ?? true;
  const deploy = reader.boolean("deploy") ?? false;
  const dashboard = (reader.string("ray_address") ?? "http://127.0.0.1:8265").replace(/\/+$/, "");
  const undeploy = reader.boolean("undeploy") ?? false;
  const deployTimeoutMs = 1000 * (reader.number("deploy_timeout", { min: 0.001 }) ?? 1800);
  const pollIntervalMs = 1000 * (reader.number("deploy_poll_interval", { min: 0.001 }) ?? 2);
  const settings = {
    model,
    modelSource: reader.string("model_source"),
    appName: reader.string("app_name") ?? RAY_DEFAULTS.appName,
    routePrefix: reader.string("route_prefix") ?? RAY_DEFAULTS.routePrefix,
    tensorParallelSize: reader.number("tensor_parallel_size", { min: 1, integer: true }),
    numReplicas: reader.number("num_replicas", { min: 1, integer: true }),
    gpuMemoryUtilization: reader.number("gpu_memory_utilization", { min: 0 }),
    dtype: reader.string("dtype"),
    acceleratorType: reader.string("accelerator_type"),
    batchSize: reader.number("batch_size", { min: 1, integer: true }),
    runtimeEnv: reader.take("runtime_env") as Record<string, unknown> | undefined,
  };
  const engineKwargs = reader.rest();
  if (!/^https?:\/\//.test(dashboard)) {
    throw new TypeError(
      `Invalid backend argument "ray_address": expected an http(s) URL, got "${dashboard}"`,
    );
  }
  const baseUrls = common.baseUrls.length > 0
    ? common.baseUrls
    : [deploy ? serveBaseUrl(dashboard, settings.routePrefix) : "http://127.0.0.1:8000/v1"];
  let onClose: (() => Promise<void>) | undefined;
  if (deploy) {
    const app = buildServeLlmApp({ ...settings, engineKwargs });
    await deployServeApp(dashboard, app, {
      fetch: options.fetch,
      timeoutMs: deployTimeoutMs,
      pollIntervalMs,
      onLog: options.onLog,
    });
    if (undeploy) onClose = () => removeServeApp(dashboard, app.name, options.fetch);
    try {
      await firstSuccess(baseUrls.map((url) => () => checkServedModel(url, model, options.fetch)));
    } catch (error) {
      await onClose?.();
      throw error;
    }
  } else if (Object.keys(engineKwargs).length > 0) {
    options.onLog?.(
      `Ignoring Ray engine args ${
        Object.keys(engineKwargs).join(", ")
      }: pass deploy=true to deploy`,
    );
  }
  return new ChatBackend({
    ...transport(common, options),
    info: { name: "ray", model, baseUrls },
    apiKey: common.apiKey,
    onClose,
    body: vllmBody(common, returnTokenIds),
  });
}

/** The request body vLLM and Ray Serve LLM (a vLLM engine behind Serve) both take. */
function vllmBody(common: CommonArgs, returnTokenIds: boolean): ChatBackendConfig["body"] {
  return {
    dialect: "vllm",
    reasoning: common.reasoning ?? false,
    prefill: common.prefill ?? "continue",
    passThrough: true,
    returnTokenIds,
  };
}

function transport(common: CommonArgs, options: CreateBackendOptions) {
  const requested = options.concurrency ?? DEFAULT_CONCURRENCY;
  const lower = common.concurrency !== undefined &&
    (requested === "auto" || common.concurrency < requested);
  if (lower) {
    options.onLog?.(
      `note: backend arg concurrency=${common.concurrency} bounds requests in flight below --concurrency ${requested}`,
    );
  }
  return {
    concurrency: requested,
    ...(lower ? { concurrencyLimit: common.concurrency } : {}),
    maxRetries: common.maxRetries,
    ...(common.timeoutMs !== undefined ? { timeoutMs: common.timeoutMs } : {}),
    idleTimeoutMs: common.idleTimeoutMs,
    stream: common.stream,
    routing: common.routing,
    backoff: {
      baseDelayMs: common.retryBaseDelayMs,
      maxDelayMs: common.retryMaxDelayMs,
      maxRetryAfterMs: 60_000,
    },
    fetch: options.fetch,
    proxy: options.env?.proxy,
    onLog: options.onLog,
  };
}

/** Resolves when one of `tasks` succeeds, else rejects with the first error. */
async function firstSuccess(tasks: (() => Promise<void>)[]): Promise<void> {
  let first: unknown;
  for (const task of tasks) {
    try {
      return await task();
    } catch (error) {
      first ??= error;
    }
  }
  throw first;
}
