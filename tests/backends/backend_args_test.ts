import assert from "node:assert/strict";
import { ArgReader, normaliseBaseUrl, readCommonArgs } from "../../backends/backend_args.ts";
import { createBackend } from "../../backends/mod.ts";

Deno.test("readCommonArgs() reads typed settings with defaults", () => {
  const reader = new ArgReader("vllm", {
    base_url: "http://a:8000/v1/, http://b:8000",
    base_urls: ["http://c:8000/v1"],
    max_retries: "2",
    timeout: 30,
    concurrency: 8,
    prefill: "ignore",
    reasoning: "false",
    tensor_parallel_size: 8,
  });
  assert.deepEqual(readCommonArgs(reader), {
    baseUrls: ["http://a:8000/v1", "http://b:8000/v1", "http://c:8000/v1"],
    apiKey: undefined,
    maxRetries: 2,
    timeoutMs: 30_000,
    idleTimeoutMs: 300_000,
    concurrency: 8,
    routing: "least_outstanding",
    prefill: "ignore",
    reasoning: false,
    retryBaseDelayMs: 500,
    retryMaxDelayMs: 20_000,
    stream: true,
  });
  assert.deepEqual(reader.rest(), { tensor_parallel_size: 8 });
  const defaults = readCommonArgs(new ArgReader("openai", {}));
  assert.equal(defaults.maxRetries, 6);
  assert.equal(defaults.stream, true);
  assert.equal(defaults.timeoutMs, undefined, "a stream is bounded by its idle timeout");
  const unstreamed = readCommonArgs(new ArgReader("openai", { stream: false }));
  assert.equal(unstreamed.timeoutMs, 1_800_000);
});

Deno.test("readCommonArgs() rejects bad values with the key and value quoted", () => {
  const read = (args: Record<string, unknown>) => () => readCommonArgs(new ArgReader("vllm", args));
  assert.throws(
    read({ max_retries: "many" }),
    new TypeError(
      'Invalid backend argument "max_retries" for backend "vllm": expected an integer, got "many"',
    ),
  );
  assert.throws(read({ concurrency: 0 }), RangeError);
  assert.throws(read({ prefill: "maybe" }), /expected one of "continue", "ignore", got "maybe"/);
  assert.throws(read({ reasoning: "perhaps" }), /expected true or false/);
  assert.throws(
    read({ base_url: "ftp://x" }),
    /Invalid base URL "ftp:\/\/x": expected an http\(s\) URL/,
  );
});

Deno.test("normaliseBaseUrl() adds /v1 to a bare host and drops trailing slashes", () => {
  assert.equal(normaliseBaseUrl("http://127.0.0.1:8000"), "http://127.0.0.1:8000/v1");
  assert.equal(normaliseBaseUrl("http://127.0.0.1:8000/"), "http://127.0.0.1:8000/v1");
  assert.equal(
    normaliseBaseUrl("https://proxy.example/openai/v1/"),
    "https://proxy.example/openai/v1",
  );
});

Deno.test("createBackend() rejects unknown openai args and unknown backends", async () => {
  await assert.rejects(
    createBackend("openai", "gpt-4o", { api_key: "k", temprature: 0 }),
    /Unknown backend argument "temprature" for backend "openai": expected one of "base_url", /,
  );
  await assert.rejects(
    createBackend("tgi" as "vllm", "m", {}),
    /Unknown backend "tgi": expected one of "openai", "vllm", "ray"/,
  );
});

Deno.test("createBackend('vllm') with base_url logs the engine args it cannot apply", async () => {
  const lines: string[] = [];
  const backend = await createBackend("vllm", "m", {
    base_url: "http://127.0.0.1:9",
    dtype: "half",
  }, {
    onLog: (line) => lines.push(line),
  });
  assert.deepEqual(backend.info, { name: "vllm", model: "m", baseUrls: ["http://127.0.0.1:9/v1"] });
  assert.equal(backend.maxConcurrency, 64);
  assert.deepEqual(lines, ["Ignoring vLLM engine args dtype: base_url points at a running server"]);
  await backend.close();
});
