import assert from "node:assert/strict";
import { BackendError } from "../../backends/backend.ts";
import { createBackend } from "../../backends/mod.ts";
import { launchVllmServer } from "../../backends/vllm_launcher.ts";
import { vllmServeFlags } from "../../backends/vllm_serve_flags.ts";
import { writeFakeVllm } from "../support/fake_vllm_command.ts";

Deno.test("vllmServeFlags() turns engine args into vllm serve flags", () => {
  assert.deepEqual(
    vllmServeFlags({
      tensor_parallel_size: 8,
      dtype: "bfloat16",
      revision: "0dccf55",
      max_model_len: 32768,
      gpu_memory_utilization: 0.95,
      enforce_eager: true,
      enable_prefix_caching: false,
      served_model_name: ["a", "b"],
      override_generation_config: { temperature: 0.6 },
      seed: null,
    }),
    [
      "--tensor-parallel-size",
      "8",
      "--dtype",
      "bfloat16",
      "--revision",
      "0dccf55",
      "--max-model-len",
      "32768",
      "--gpu-memory-utilization",
      "0.95",
      "--enforce-eager",
      "--no-enable-prefix-caching",
      "--served-model-name",
      "a",
      "b",
      "--override-generation-config",
      '{"temperature":0.6}',
    ],
  );
});

Deno.test("createBackend() launches vllm serve with the backend args as flags and stops it on close", async () => {
  const fake = await writeFakeVllm({ startupDelayMs: 400 });
  const lines: string[] = [];
  try {
    const backend = await createBackend(
      "vllm",
      "Qwen/QwQ-32B",
      {
        tensor_parallel_size: 8,
        dtype: "bfloat16",
        trust_remote_code: true,
        api_key: "k",
        concurrency: 4,
      },
      { vllmCommand: fake.command, onLog: (line) => lines.push(line) },
    );
    const argv: string[] = JSON.parse(await Deno.readTextFile(fake.argvFile));
    assert.deepEqual(argv.slice(0, 3), ["serve", "Qwen/QwQ-32B", "--host"]);
    assert.deepEqual(argv.slice(3, 5), ["127.0.0.1", "--port"]);
    assert.deepEqual(argv.slice(6), [
      "--tensor-parallel-size",
      "8",
      "--dtype",
      "bfloat16",
      "--trust-remote-code",
      "--api-key",
      "k",
    ]);
    assert.equal(backend.info.baseUrls[0], `http://127.0.0.1:${argv[5]}/v1`);
    assert.equal(backend.maxConcurrency, 4);
    const result = await backend.generate({
      id: "1",
      messages: [{ role: "user", content: "hello" }],
      n: 2,
      sampling: { max_tokens: 50 },
    });
    assert.deepEqual(result.completions.map((c) => c.text), [
      "answer 0 to: hello",
      "answer 1 to: hello more",
    ]);
    assert.ok(
      lines.some((l) => l.includes("fake vllm: loading Qwen/QwQ-32B")),
      "server output reaches onLog",
    );
    assert.ok(lines.some((l) => /vLLM server ready at http:\/\/127\.0\.0\.1:\d+ after/.test(l)));
    await backend.close();
    assert.ok(lines.some((l) => l.includes("fake vllm: shutting down")), "stopped with SIGTERM");
    await assert.rejects(
      fetch(`http://127.0.0.1:${argv[5]}/health`),
      TypeError,
      "nothing listens any more",
    );
    await assert.rejects(
      backend.generate({ id: "2", messages: [{ role: "user", content: "x" }], n: 1, sampling: {} }),
      /the backend is closed/,
    );
  } finally {
    await fake.cleanup();
  }
});

Deno.test("launchVllmServer() reports the tail of the output when vllm dies while loading", async () => {
  const fake = await writeFakeVllm({
    crash: {
      stderr: [
        "INFO Loading weights",
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
      ],
      exitCode: 1,
    },
  });
  try {
    await assert.rejects(
      launchVllmServer({ command: fake.command, model: "m", flags: [], startupTimeoutMs: 30_000 }),
      (error: unknown) => {
        assert.ok(error instanceof BackendError);
        assert.match(error.message, /exited with code 1 before it was ready; last output:\n/);
        assert.match(
          error.message,
          /INFO Loading weights\ntorch\.OutOfMemoryError: CUDA out of memory/,
        );
        return true;
      },
    );
  } finally {
    await fake.cleanup();
  }
});

Deno.test("launchVllmServer() gives up after the startup timeout and kills the server", async () => {
  const fake = await writeFakeVllm({ startupDelayMs: 60_000 });
  try {
    await assert.rejects(
      launchVllmServer({
        command: fake.command,
        model: "m",
        flags: [],
        startupTimeoutMs: 800,
        stopGraceMs: 2_000,
      }),
      /was not ready after 0\.8 s \(\/health unreachable: .*\); last output:\nINFO fake vllm: loading m/,
    );
  } finally {
    await fake.cleanup();
  }
});

Deno.test("launchVllmServer() says how to proceed when vllm is not installed", async () => {
  await assert.rejects(
    launchVllmServer({
      command: ["/nonexistent/skyeval/vllm"],
      model: "m",
      flags: [],
      startupTimeoutMs: 1_000,
    }),
    /Cannot launch "\/nonexistent\/skyeval\/vllm serve m .*": command not found; install vLLM or pass base_url/,
  );
});

Deno.test("generate() stops retrying and shows the output when the launched server dies", async () => {
  const fake = await writeFakeVllm();
  try {
    const backend = await createBackend("vllm", "m", { retry_base_delay: 0.05, max_retries: 20 }, {
      vllmCommand: fake.command,
    });
    await assert.rejects(
      backend.generate({
        id: "c",
        messages: [{ role: "user", content: "__crash__" }],
        n: 1,
        sampling: {},
      }),
      (error: unknown) => {
        assert.ok(error instanceof BackendError);
        assert.match(error.message, /exited with code 3 while serving; last output:\n/);
        assert.match(error.message, /CUDA error: an illegal memory access/);
        return true;
      },
    );
    await backend.close();
  } finally {
    await fake.cleanup();
  }
});

Deno.test("LaunchedServer.stop() kills a server that ignores SIGTERM once the grace period ends", async () => {
  const fake = await writeFakeVllm({ ignoreSigterm: true });
  const lines: string[] = [];
  try {
    const server = await launchVllmServer({
      command: fake.command,
      model: "m",
      flags: [],
      startupTimeoutMs: 30_000,
      stopGraceMs: 300,
      onLog: (line) => lines.push(line),
    });
    const health = await fetch(server.baseUrl.replace(/\/v1$/, "/health"));
    assert.equal(health.status, 200);
    await health.body?.cancel();
    await server.stop();
    assert.ok(lines.includes("INFO fake vllm: ignoring SIGTERM"));
    await assert.rejects(fetch(server.baseUrl.replace(/\/v1$/, "/health")), TypeError);
    assert.equal(server.failure(), null, "a stopped server is not a failure");
  } finally {
    await fake.cleanup();
  }
});
