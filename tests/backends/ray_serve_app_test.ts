import assert from "node:assert/strict";
import { BackendError } from "../../backends/backend.ts";
import { createBackend } from "../../backends/mod.ts";
import {
  buildServeLlmApp,
  deployServeApp,
  removeServeApp,
  serveBaseUrl,
} from "../../backends/ray_serve_app.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { startRayDashboard } from "../support/ray_dashboard_server.ts";
import { standardAnswer } from "../support/standard_answer.ts";

const FAST = { timeoutMs: 5_000, pollIntervalMs: 10 };

Deno.test("buildServeLlmApp() maps SkyThought's ray knobs onto a Serve LLM config", () => {
  assert.deepEqual(buildServeLlmApp({ model: "Qwen/QwQ-32B" }), {
    name: "skyeval",
    route_prefix: "/",
    import_path: "ray.serve.llm:build_openai_app",
    args: {
      llm_configs: [{
        model_loading_config: { model_id: "Qwen/QwQ-32B", model_source: "Qwen/QwQ-32B" },
        engine_kwargs: { tensor_parallel_size: 4, gpu_memory_utilization: 0.9, dtype: "auto" },
        deployment_config: { num_replicas: 2, max_ongoing_requests: 128 },
      }],
    },
  });
  const custom = buildServeLlmApp({
    model: "m",
    modelSource: "s3://bucket/m",
    appName: "qwq",
    routePrefix: "/qwq",
    tensorParallelSize: 1,
    numReplicas: 8,
    gpuMemoryUtilization: 0.8,
    dtype: "bfloat16",
    acceleratorType: "H100",
    batchSize: 64,
    engineKwargs: { max_model_len: 16384 },
  });
  const config = (custom.args as { llm_configs: Record<string, unknown>[] }).llm_configs[0];
  assert.equal(custom.route_prefix, "/qwq");
  assert.deepEqual(config.engine_kwargs, {
    tensor_parallel_size: 1,
    gpu_memory_utilization: 0.8,
    dtype: "bfloat16",
    max_model_len: 16384,
  });
  assert.deepEqual(config.deployment_config, { num_replicas: 8, max_ongoing_requests: 64 });
  assert.equal(config.accelerator_type, "H100");
  assert.deepEqual(config.model_loading_config, { model_id: "m", model_source: "s3://bucket/m" });
});

Deno.test("serveBaseUrl() points at the Serve proxy on the dashboard's host", () => {
  assert.equal(serveBaseUrl("http://10.0.0.5:8265", "/"), "http://10.0.0.5:8000/v1");
  assert.equal(serveBaseUrl("http://head:8265", "/qwq"), "http://head:8000/qwq/v1");
});

Deno.test("deployServeApp() keeps the cluster's other apps and waits for RUNNING", async () => {
  const other = { name: "other", route_prefix: "/other", import_path: "app.main:build" };
  const dashboard = await startRayDashboard({ deployDelayMs: 100, existing: [other] });
  const log: string[] = [];
  try {
    await deployServeApp(dashboard.url, buildServeLlmApp({ model: "m" }), {
      ...FAST,
      onLog: (l) => log.push(l),
    });
    assert.deepEqual(dashboard.statuses(), { other: "RUNNING", skyeval: "RUNNING" });
    assert.deepEqual(dashboard.puts[0].applications.map((a) => a.name), ["other", "skyeval"]);
    assert.ok(log.includes('Ray Serve app "skyeval" is DEPLOYING'));
    assert.ok(log.includes('Ray Serve app "skyeval" is RUNNING'));
    await removeServeApp(dashboard.url, "skyeval");
    assert.deepEqual(dashboard.statuses(), { other: "RUNNING" });
  } finally {
    await dashboard.close();
  }
});

Deno.test("deployServeApp() reports DEPLOY_FAILED with the deployment message", async () => {
  const dashboard = await startRayDashboard({
    failWith: "No available node types can fulfill resource request {'GPU': 4.0}",
  });
  try {
    await assert.rejects(
      deployServeApp(dashboard.url, buildServeLlmApp({ model: "m" }), FAST),
      (error: unknown) => {
        assert.ok(error instanceof BackendError);
        assert.equal(
          error.message,
          "Ray Serve app \"skyeval\" is DEPLOY_FAILED: Deploying app failed.; LLMServer:0: No available node types can fulfill resource request {'GPU': 4.0}",
        );
        return true;
      },
    );
  } finally {
    await dashboard.close();
  }
});

Deno.test("deployServeApp() surfaces a config the dashboard rejects, and a timeout", async () => {
  const dashboard = await startRayDashboard({ deployDelayMs: 10_000 });
  try {
    await assert.rejects(
      deployServeApp(dashboard.url, buildServeLlmApp({ model: "m", routePrefix: "/bad/" }), FAST),
      /Ray dashboard rejected the Serve config \(400\): 1 validation error .* Invalid route_prefix "\/bad\/"/,
    );
    await assert.rejects(
      deployServeApp(dashboard.url, buildServeLlmApp({ model: "m" }), {
        timeoutMs: 100,
        pollIntervalMs: 10,
      }),
      /Ray Serve app "skyeval" was not RUNNING after 0\.1 s \(still DEPLOYING\)/,
    );
  } finally {
    await dashboard.close();
  }
  await assert.rejects(
    deployServeApp(dashboard.url, buildServeLlmApp({ model: "m" }), FAST),
    /Cannot reach the Ray dashboard at "http:\/\/127\.0\.0\.1:\d+\/api\/serve\/applications\/"/,
  );
});

Deno.test("createBackend('ray') deploys, generates over the Serve route and undeploys on close", async () => {
  const dashboard = await startRayDashboard({ deployDelayMs: 50 });
  const proxy = await startOpenAIServer({ answer: standardAnswer, model: "Qwen/QwQ-32B" });
  try {
    const backend = await createBackend("ray", "Qwen/QwQ-32B", {
      ray_address: dashboard.url,
      deploy: true,
      undeploy: true,
      base_url: proxy.url,
      deploy_poll_interval: 0.01,
      tensor_parallel_size: 2,
      num_replicas: 3,
      batch_size: 16,
      accelerator_type: "A100",
      max_model_len: 8192,
    });
    assert.equal(backend.maxConcurrency, 64, "--concurrency, not num_replicas x batch_size");
    const app = dashboard.puts[0].applications[0] as ReturnType<typeof buildServeLlmApp>;
    const config = (app.args as { llm_configs: Record<string, unknown>[] }).llm_configs[0];
    assert.deepEqual(config.engine_kwargs, {
      tensor_parallel_size: 2,
      gpu_memory_utilization: 0.9,
      dtype: "auto",
      max_model_len: 8192,
    });
    const result = await backend.generate({
      id: "r",
      messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "<think>\n" }],
      n: 1,
      sampling: {},
    });
    assert.equal(result.completions[0].text, "continued after: <think>\n");
    await backend.close();
    assert.deepEqual(dashboard.statuses(), {});
  } finally {
    await proxy.close();
    await dashboard.close();
  }
});

Deno.test("createBackend('ray') without deploy talks to the default Serve address", async () => {
  const backend = await createBackend("ray", "m", {});
  assert.deepEqual(backend.info, {
    name: "ray",
    model: "m",
    baseUrls: ["http://127.0.0.1:8000/v1"],
  });
  assert.equal(backend.maxConcurrency, 64);
  await backend.close();
});

Deno.test("createBackend('ray') fails clearly when the Serve route is wrong or lacks the model", async () => {
  const dashboard = await startRayDashboard();
  const proxy = await startOpenAIServer({ answer: standardAnswer, model: "other/model" });
  const args = {
    ray_address: dashboard.url,
    deploy: true,
    deploy_poll_interval: 0.01,
    undeploy: true,
  };
  try {
    await assert.rejects(
      createBackend("ray", "Qwen/QwQ-32B", { ...args, base_url: proxy.url }),
      /The Serve route "http:\/\/127\.0\.0\.1:\d+\/v1\/models" does not serve model "Qwen\/QwQ-32B": it serves "other\/model"/,
    );
    assert.deepEqual(dashboard.statuses(), {}, "undeployed again");
    await assert.rejects(
      createBackend("ray", "Qwen/QwQ-32B", { ...args, base_url: `${dashboard.url}/v1` }),
      /The Ray Serve app is RUNNING but ".*\/v1\/models" answered 404: Not Found/,
    );
  } finally {
    await proxy.close();
    await dashboard.close();
  }
});
