import assert from "node:assert/strict";
import { createBackend } from "../../backends/mod.ts";
import { assembleChatStream } from "../../backends/chat_stream.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { standardAnswer } from "../support/standard_answer.ts";

const sse = (...chunks: unknown[]) =>
  chunks.map((c) => `data: ${typeof c === "string" ? c : JSON.stringify(c)}\n\n`).join("");

Deno.test("assembleChatStream() joins interleaved choices, reasoning, token ids and usage", () => {
  const text = sse(
    { choices: [{ index: 1, delta: { role: "assistant", content: "" }, finish_reason: null }] },
    { choices: [{ index: 0, delta: { reasoning_content: "think " }, finish_reason: null }] },
    { choices: [{ index: 1, delta: { content: "B" }, token_ids: [5], finish_reason: null }] },
    { choices: [{ index: 0, delta: { reasoning: "more" }, finish_reason: null }] },
    { choices: [{ index: 0, delta: { content: "A1 " }, token_ids: [1, 2], finish_reason: null }] },
    { choices: [{ index: 0, delta: { content: "A2" }, token_ids: [3], finish_reason: "length" }] },
    { choices: [{ index: 1, delta: {}, token_ids: [], finish_reason: "stop" }] },
    { choices: [], usage: { prompt_tokens: 4, completion_tokens: 4 } },
    "[DONE]",
  );
  assert.deepEqual(assembleChatStream(text), {
    ok: true,
    body: {
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "A1 A2", reasoning: "think more" },
          finish_reason: "length",
          token_ids: [1, 2, 3],
        },
        {
          index: 1,
          message: { role: "assistant", content: "B" },
          finish_reason: "stop",
          token_ids: [5],
        },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 4 },
    },
  });
});

Deno.test("assembleChatStream() fails on an error event, a cut stream or a bad chunk", () => {
  assert.deepEqual(
    assembleChatStream(
      sse({ choices: [] }, { error: { message: "Engine\ndied", code: 500 } }, "[DONE]"),
    ),
    { ok: false, message: "Stream broke off with an error: Engine died" },
  );
  assert.deepEqual(assembleChatStream(sse({ choices: [] })), {
    ok: false,
    message: "Stream ended before [DONE]",
  });
  assert.equal(assembleChatStream("data: {nope\n\n").ok, false);
});

Deno.test("generate() with stream=true retries a stream that broke off with an error", async () => {
  const server = await startOpenAIServer({
    answer: standardAnswer,
    failures: [{ midStreamError: "EngineDeadError: background loop died" }],
  });
  const lines: string[] = [];
  try {
    const backend = await createBackend(
      "vllm",
      "m",
      { base_url: server.url, stream: true, retry_base_delay: 0.01 },
      { onLog: (line) => lines.push(line) },
    );
    const result = await backend.generate({
      id: "s",
      messages: [{ role: "user", content: "q" }],
      n: 2,
      sampling: {},
    });
    assert.deepEqual(result.completions.map((c) => c.text), [
      "answer 0 to: q",
      "answer 1 to: q more",
    ]);
    assert.deepEqual(result.completions.map((c) => c.completionTokens), [4, 5]);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0].stream, true);
    assert.deepEqual(server.requests[0].stream_options, { include_usage: true });
    assert.match(
      lines[0],
      /Retrying request "s" in .*: .*Stream broke off with an error: EngineDeadError/,
    );
    await backend.close();
  } finally {
    await server.close();
  }
});
