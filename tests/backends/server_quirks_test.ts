/**
 * The client against servers that differ from vLLM. A fake answering as
 * llama.cpp's `llama-server` was seen to (see `testing/openai_server.ts`):
 * token counts stay honest when usage covers one choice of n, and a prefill
 * the server repeats is not kept twice. A server that ignores `stream: true`
 * gets a message saying what to do.
 */
import assert from "node:assert/strict";
import { createBackend } from "../../backends/mod.ts";
import { countWhitespaceTokens, startOpenAIServer } from "../../testing/openai_server.ts";
import { standardAnswer } from "../support/standard_answer.ts";

const question = { id: "q", messages: [{ role: "user" as const, content: "Count me" }] };

Deno.test("generate() counts each streamed choice when llama.cpp reports one choice's usage for n > 1", async () => {
  const server = await startOpenAIServer({ answer: standardAnswer, llamaCpp: true });
  try {
    const backend = await createBackend("vllm", "m", { base_url: server.url });
    const result = await backend.generate({ ...question, n: 3, sampling: {} });
    await backend.close();
    const truth = result.completions.map((c) => countWhitespaceTokens(c.text));
    assert.deepEqual(result.completions.map((c) => c.completionTokens), truth);
    assert.ok(result.completions.every((c) => c.completionTokensKind === "stream_chunks"));
    assert.equal(server.requests[0].return_token_ids, true, "asked, and silently ignored");
  } finally {
    await server.close();
  }
});

Deno.test("generate() marks an unstreamed llama.cpp total for n > 1 as apportioned", async () => {
  const server = await startOpenAIServer({ answer: standardAnswer, llamaCpp: true });
  try {
    const backend = await createBackend("vllm", "m", { base_url: server.url, stream: false });
    const result = await backend.generate({ ...question, n: 3, sampling: {} });
    await backend.close();
    assert.ok(result.completions.every((c) => c.completionTokensKind === "apportioned"));
  } finally {
    await server.close();
  }
});

Deno.test("generate() keeps a prefill that llama.cpp repeats in its answer once", async () => {
  const server = await startOpenAIServer({ answer: standardAnswer, llamaCpp: true });
  try {
    for (const stream of [true, false]) {
      const backend = await createBackend("vllm", "m", { base_url: server.url, stream });
      const result = await backend.generate({
        id: "p",
        messages: [{ role: "user", content: "Solve it." }, {
          role: "assistant",
          content: "<think>\n",
        }],
        n: 1,
        sampling: {},
      });
      await backend.close();
      assert.equal(result.completions[0].text, "continued after: <think>\n", `stream=${stream}`);
    }
  } finally {
    await server.close();
  }
});

Deno.test("generate() says what to do when a server ignores stream=true", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
    Response.json({
      choices: [{ index: 0, message: { content: "hi" }, finish_reason: "stop" }],
    }));
  try {
    const url = `http://127.0.0.1:${server.addr.port}/v1`;
    const backend = await createBackend("vllm", "m", { base_url: url, max_retries: 3 });
    await assert.rejects(
      backend.generate({ ...question, n: 1, sampling: {} }),
      /without stream events; pass --backend-args stream=false/,
    );
    await backend.close();
    const plain = await createBackend("vllm", "m", { base_url: url, stream: false });
    assert.equal(
      (await plain.generate({ ...question, n: 1, sampling: {} })).completions[0].text,
      "hi",
    );
    await plain.close();
  } finally {
    await server.shutdown();
  }
});
