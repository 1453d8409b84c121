import assert from "node:assert/strict";
import { BackendError } from "../../backends/backend.ts";
import { createBackend } from "../../backends/mod.ts";
import { type OpenAIServer, startOpenAIServer } from "../../testing/openai_server.ts";
import { standardAnswer } from "../support/standard_answer.ts";

/** A fetch that sends OpenAI's own host to the fake server, so the official-API rules apply. */
function redirectingFetch(server: OpenAIServer): typeof fetch {
  return (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    return fetch(url.replace("https://api.openai.com/v1", server.url), init);
  };
}

async function withOpenAI(
  model: string,
  args: Record<string, unknown>,
  run: (backend: Awaited<ReturnType<typeof createBackend>>, server: OpenAIServer) => Promise<void>,
  serverOptions: Partial<Parameters<typeof startOpenAIServer>[0]> = {},
) {
  const server = await startOpenAIServer({ answer: standardAnswer, ...serverOptions });
  try {
    const backend = await createBackend("openai", model, { retry_base_delay: 0.01, ...args }, {
      env: { openaiApiKey: "sk-env" },
      fetch: redirectingFetch(server),
    });
    try {
      await run(backend, server);
    } finally {
      await backend.close();
    }
  } finally {
    await server.close();
  }
}

Deno.test("createBackend('openai') sends the key and organisation headers to OpenAI's API", async () => {
  await withOpenAI(
    "gpt-4o-mini",
    { organization: "org-1", project: "proj-1" },
    async (backend, server) => {
      assert.deepEqual(backend.info.baseUrls, ["https://api.openai.com/v1"]);
      assert.equal(backend.maxConcurrency, 64, "--concurrency's default");
      await backend.generate({
        id: "a",
        messages: [{ role: "user", content: "hi" }],
        n: 1,
        sampling: {},
      });
      const headers = server.requestHeaders[0];
      assert.equal(headers.get("authorization"), "Bearer sk-env");
      assert.equal(headers.get("openai-organization"), "org-1");
      assert.equal(headers.get("openai-project"), "proj-1");
    },
  );
});

Deno.test("createBackend('openai') speaks the reasoning-model dialect to o-series models", async () => {
  await withOpenAI("o3-mini", {}, async (backend, server) => {
    const result = await backend.generate({
      id: "r",
      messages: [{ role: "system", content: "Reason." }, { role: "user", content: "2+2?" }],
      n: 2,
      sampling: { temperature: 0, top_p: 1, max_tokens: 2048, reasoning_effort: "medium" },
    });
    assert.equal(result.completions.length, 2);
    assert.deepEqual(server.requests[0], {
      model: "o3-mini",
      messages: [{ role: "developer", content: "Reason." }, { role: "user", content: "2+2?" }],
      n: 2,
      max_completion_tokens: 2048,
      reasoning_effort: "medium",
      stream: true,
      stream_options: { include_usage: true },
    });
  });
  await withOpenAI("my-finetune", { reasoning: true }, async (backend, server) => {
    await backend.generate({
      id: "r",
      messages: [{ role: "user", content: "q" }],
      n: 1,
      sampling: { max_tokens: 5 },
    });
    assert.equal(server.requests[0].max_completion_tokens, 5);
    assert.ok(!("temperature" in server.requests[0]));
  });
});

Deno.test("createBackend('openai') refuses what OpenAI's API cannot do before sending it", async () => {
  await withOpenAI("gpt-4o", {}, async (backend, server) => {
    await assert.rejects(
      backend.generate({
        id: "k",
        messages: [{ role: "user", content: "q" }],
        n: 1,
        sampling: { top_k: 20 },
      }),
      /Sampling parameter "top_k" is not supported by the OpenAI API/,
    );
    await assert.rejects(
      backend.generate({
        id: "p",
        messages: [{ role: "user", content: "q" }, { role: "assistant", content: "<think>" }],
        n: 1,
        sampling: {},
      }),
      /Cannot honour the assistant prefill: .* pass --backend-args prefill=ignore to drop the prefill$/,
    );
    assert.equal(server.requests.length, 0);
  });
  await withOpenAI("gpt-4o", { prefill: "ignore" }, async (backend, server) => {
    await backend.generate({
      id: "p",
      messages: [{ role: "user", content: "q" }, { role: "assistant", content: "<think>" }],
      n: 1,
      sampling: {},
    });
    assert.deepEqual(server.requests[0].messages, [{ role: "user", content: "q" }]);
  });
});

Deno.test("createBackend('openai') does not retry an exhausted quota", async () => {
  await withOpenAI(
    "gpt-4o",
    {},
    async (backend, server) => {
      await assert.rejects(
        backend.generate({
          id: "q",
          messages: [{ role: "user", content: "q" }],
          n: 1,
          sampling: {},
        }),
        (error: unknown) => {
          assert.ok(error instanceof BackendError);
          assert.equal(error.status, 429);
          assert.equal(error.retryable, false);
          assert.match(error.message, /answered 429: You exceeded your current quota/);
          return true;
        },
      );
      assert.equal(server.requests.length, 1);
    },
    {
      failures: [{
        status: 429,
        message: "You exceeded your current quota, please check your plan and billing details.",
        type: "insufficient_quota",
        code: "insufficient_quota",
      }],
    },
  );
});

Deno.test("createBackend('openai') needs a key for OpenAI's API but not for a local server", async () => {
  await assert.rejects(
    createBackend("openai", "gpt-4o", {}),
    /needs an API key: set OPENAI_API_KEY/,
  );
  const local = await createBackend("openai", "m", {}, {
    env: { openaiBaseUrl: "http://127.0.0.1:9/v1" },
  });
  assert.deepEqual(local.info.baseUrls, ["http://127.0.0.1:9/v1"]);
  await local.close();
});

Deno.test("createBackend('openai') sends the local server's key and reports a 401 plainly", async () => {
  const server = await startOpenAIServer({ answer: standardAnswer, apiKey: "right" });
  try {
    const wrong = await createBackend("openai", "m", { base_url: server.url, api_key: "wrong" });
    await assert.rejects(
      wrong.generate({ id: "a", messages: [{ role: "user", content: "q" }], n: 1, sampling: {} }),
      /answered 401: Unauthorized$/,
    );
    await wrong.close();
    const right = await createBackend("openai", "m", { base_url: server.url, api_key: "right" });
    const result = await right.generate({
      id: "a",
      messages: [{ role: "user", content: "q" }],
      n: 1,
      sampling: {},
    });
    assert.equal(result.completions[0].text, "answer 0 to: q");
    await right.close();
  } finally {
    await server.close();
  }
});
