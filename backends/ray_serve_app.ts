/**
 * Deploys a Ray Serve LLM OpenAI app through the Serve REST API on the Ray
 * dashboard (protocols.md 3.1, 3.2), from SkyThought's Ray knobs.
 *
 * SkyThought's `ray_config.yaml` defaults map as follows:
 * `tensor_parallel_size` (4), `gpu_memory_utilization` (0.9), `dtype`
 * ("auto") and any other engine arg go to `engine_kwargs`;
 * `num_replicas` (2) to `deployment_config.num_replicas`; `batch_size` (128,
 * rows per Ray Data batch in the reference) to
 * `deployment_config.max_ongoing_requests`; `accelerator_type` to the
 * `LLMConfig` field of that name.
 *
 * @module
 */

import { BackendError } from "./backend.ts";
import { decodeErrorBody } from "./error_body.ts";

/** SkyThought's Ray knobs plus the app's name and route. */
export interface ServeLlmSettings {
  model: string;
  /** Where replicas load weights from (HF id, path or bucket URI); default: the model. */
  modelSource?: string;
  appName?: string;
  routePrefix?: string;
  tensorParallelSize?: number;
  numReplicas?: number;
  gpuMemoryUtilization?: number;
  dtype?: string;
  acceleratorType?: string;
  batchSize?: number;
  /** Further vLLM engine args, e.g. `max_model_len`. */
  engineKwargs?: Record<string, unknown>;
  runtimeEnv?: Record<string, unknown>;
}

/** SkyThought's `ray_config.yaml` defaults. */
export const RAY_DEFAULTS = {
  tensorParallelSize: 4,
  numReplicas: 2,
  gpuMemoryUtilization: 0.9,
  dtype: "auto",
  batchSize: 128,
  appName: "skyeval",
  routePrefix: "/",
} as const;

/** A `ServeApplicationSchema` document. */
export type ServeApplication = Record<string, unknown> & { name: string; route_prefix: string };

/** Builds the Serve application running `ray.serve.llm:build_openai_app` for one model. */
export function buildServeLlmApp(settings: ServeLlmSettings): ServeApplication {
  const llmConfig: Record<string, unknown> = {
    model_loading_config: {
      model_id: settings.model,
      model_source: settings.modelSource ?? settings.model,
    },
    engine_kwargs: {
      tensor_parallel_size: settings.tensorParallelSize ?? RAY_DEFAULTS.tensorParallelSize,
      gpu_memory_utilization: settings.gpuMemoryUtilization ?? RAY_DEFAULTS.gpuMemoryUtilization,
      dtype: settings.dtype ?? RAY_DEFAULTS.dtype,
      ...settings.engineKwargs,
    },
    deployment_config: {
      num_replicas: settings.numReplicas ?? RAY_DEFAULTS.numReplicas,
      max_ongoing_requests: settings.batchSize ?? RAY_DEFAULTS.batchSize,
    },
  };
  if (settings.acceleratorType) llmConfig.accelerator_type = settings.acceleratorType;
  if (settings.runtimeEnv) llmConfig.runtime_env = settings.runtimeEnv;
  return {
    name: settings.appName ?? RAY_DEFAULTS.appName,
    route_prefix: settings.routePrefix ?? RAY_DEFAULTS.routePrefix,
    import_path: "ray.serve.llm:build_openai_app",
    args: { llm_configs: [llmConfig] },
  };
}

/** How to talk to the dashboard. */
export interface ServeDeployOptions {
  fetch?: typeof fetch;
  /** How long the app may take to reach RUNNING, ms. */
  timeoutMs: number;
  /** Wait between status polls, ms. */
  pollIntervalMs: number;
  onLog?: (line: string) => void;
}

const SERVE_API = "/api/serve/applications/";

/**
 * Adds (or replaces) `app` on the cluster at `dashboardUrl` and waits until
 * it is RUNNING. The Serve API is declarative (apps left out of a PUT are
 * deleted), so the apps already running are sent back unchanged.
 *
 * @throws {BackendError} when the dashboard rejects the config, the app
 * reaches DEPLOY_FAILED, or it is not RUNNING in time.
 */
export async function deployServeApp(
  dashboardUrl: string,
  app: ServeApplication,
  options: ServeDeployOptions,
): Promise<void> {
  const fetcher = options.fetch ?? fetch;
  const others = (await runningAppConfigs(dashboardUrl, fetcher)).filter((a) =>
    a.name !== app.name
  );
  await putApplications(dashboardUrl, [...others, app], fetcher);
  options.onLog?.(`Deploying Ray Serve app "${app.name}" on ${dashboardUrl}`);
  const started = performance.now();
  let last = "";
  while (true) {
    const details = await getInstance(dashboardUrl, fetcher);
    const found = details.applications?.[app.name];
    const status = found?.status ?? "NOT_STARTED";
    if (status !== last) options.onLog?.(`Ray Serve app "${app.name}" is ${status}`);
    last = status;
    if (status === "RUNNING") return;
    if (status === "DEPLOY_FAILED" || status === "UNHEALTHY") {
      throw new BackendError(
        `Ray Serve app "${app.name}" is ${status}: ${describeFailure(found)}`,
      );
    }
    if (performance.now() - started > options.timeoutMs) {
      throw new BackendError(
        `Ray Serve app "${app.name}" was not RUNNING after ${
          options.timeoutMs / 1000
        } s (still ${status})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs));
  }
}

/** Removes the app named `name`, keeping the cluster's other apps. */
export async function removeServeApp(
  dashboardUrl: string,
  name: string,
  fetcher: typeof fetch = fetch,
): Promise<void> {
  const apps = await runningAppConfigs(dashboardUrl, fetcher);
  if (!apps.some((a) => a.name === name)) return;
  await putApplications(dashboardUrl, apps.filter((a) => a.name !== name), fetcher);
}

/**
 * The OpenAI base URL of an app: the Serve proxy (port 8000) on the
 * dashboard's host, under the app's route prefix.
 */
export function serveBaseUrl(dashboardUrl: string, routePrefix: string): string {
  const host = new URL(dashboardUrl);
  const prefix = routePrefix.replace(/\/+$/, "");
  return `${host.protocol}//${host.hostname}:8000${prefix}/v1`;
}

interface ApplicationDetails {
  status?: string;
  message?: string;
  deployed_app_config?: ServeApplication | null;
  deployments?: Record<string, { status?: string; message?: string }>;
}

interface InstanceDetails {
  applications?: Record<string, ApplicationDetails>;
}

async function runningAppConfigs(
  dashboardUrl: string,
  fetcher: typeof fetch,
): Promise<ServeApplication[]> {
  const details = await getInstance(dashboardUrl, fetcher);
  return Object.values(details.applications ?? {})
    .map((a) => a.deployed_app_config)
    .filter((config): config is ServeApplication => !!config);
}

async function getInstance(dashboardUrl: string, fetcher: typeof fetch): Promise<InstanceDetails> {
  const url = `${dashboardUrl}${SERVE_API}`;
  const response = await request(fetcher, url, { method: "GET" });
  const text = await response.text();
  if (!response.ok) {
    throw new BackendError(
      `Ray dashboard "${url}" answered ${response.status}: ${decodeErrorBody(text).message}`,
      { status: response.status, retryable: response.status >= 500 },
    );
  }
  try {
    return JSON.parse(text) as InstanceDetails;
  } catch (cause) {
    throw new BackendError(`Ray dashboard "${url}" answered with a body that is not JSON`, {
      cause,
    });
  }
}

async function putApplications(
  dashboardUrl: string,
  applications: ServeApplication[],
  fetcher: typeof fetch,
): Promise<void> {
  const url = `${dashboardUrl}${SERVE_API}`;
  const response = await request(fetcher, url, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ applications }),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new BackendError(
      `Ray dashboard rejected the Serve config (${response.status}): ${
        decodeErrorBody(text).message
      }`,
      { status: response.status },
    );
  }
}

async function request(fetcher: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetcher(url, init);
  } catch (cause) {
    throw new BackendError(
      `Cannot reach the Ray dashboard at "${url}": ${
        cause instanceof Error ? cause.message : cause
      }`,
      { cause, retryable: true },
    );
  }
}

function describeFailure(app: ApplicationDetails | undefined): string {
  const parts = [app?.message ?? ""];
  for (const [name, deployment] of Object.entries(app?.deployments ?? {})) {
    if (deployment.message) parts.push(`${name}: ${deployment.message}`);
  }
  return parts.filter(Boolean).join("; ").replace(/\s+/g, " ") || "no message";
}

/**
 * Checks that the OpenAI route at `baseUrl` lists `model`, so a wrong
 * proxy address fails now with a clear message rather than on every request.
 *
 * @throws {BackendError} when the route does not answer or lacks the model.
 */
export async function checkServedModel(
  baseUrl: string,
  model: string,
  fetcher: typeof fetch = fetch,
): Promise<void> {
  const url = `${baseUrl}/models`;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), 10_000);
  let text: string;
  let status: number;
  try {
    const response = await fetcher(url, { signal: timeout.signal });
    status = response.status;
    text = await response.text();
  } catch (cause) {
    throw new BackendError(
      `The Ray Serve app is RUNNING but "${url}" does not answer (${
        cause instanceof Error ? cause.message : cause
      }); pass base_url=http://<serve-proxy-host>:8000/v1`,
      { cause },
    );
  } finally {
    clearTimeout(timer);
  }
  if (status !== 200) {
    throw new BackendError(
      `The Ray Serve app is RUNNING but "${url}" answered ${status}: ${
        decodeErrorBody(text).message
      }`,
      { status },
    );
  }
  let ids: string[] = [];
  try {
    const data = (JSON.parse(text) as { data?: { id?: unknown }[] }).data ?? [];
    ids = data.map((m) => String(m.id));
  } catch { /* reported below as serving nothing */ }
  if (!ids.includes(model)) {
    throw new BackendError(
      `The Serve route "${url}" does not serve model "${model}": it serves ${
        ids.length > 0 ? ids.map((id) => `"${id}"`).join(", ") : "nothing"
      }`,
    );
  }
}
