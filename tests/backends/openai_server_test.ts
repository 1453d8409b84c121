import assert from "node:assert/strict";
import { createBackend } from "../../backends/mod.ts";
import { replayAnswers, startOpenAIServer } from "../../testing/openai_server.ts";
import { skyThoughtAnswers } from "../support/replay_generations.ts";
import { testdataJson } from "../support/testdata.ts";
import { standardAnswer } from "../support/standard_answer.ts";

async function post(url: string, body: unknown): Promise<Response> {
  return await fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

Deno.test("startOpenAIServer() speaks the chat protocol: usage, length cut, models, health", async () => {
  const server = await startOpenAIServer({ answer: () => "one two three four five", model: "m" });
  try {
    const response = await post(server.url, {
      model: "m",
      messages: [{ role: "user", content: "a b" }],
      n: 2,
      max_tokens: 3,
    });
    const body = await response.json();
    assert.equal(body.object, "chat.completion");
    assert.deepEqual(body.choices.map((c: { message: { content: string } }) => c.message.content), [
      "one two three",
      "one two three",
    ]);
    assert.deepEqual(body.choices.map((c: { finish_reason: string }) => c.finish_reason), [
      "length",
      "length",
    ]);
    assert.deepEqual(body.usage, { prompt_tokens: 2, completion_tokens: 6, total_tokens: 8 });

    const wrongModel = await post(server.url, {
      model: "other",
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(wrongModel.status, 404);
    assert.equal((await wrongModel.json()).error.code, "model_not_found");

    const both = await post(server.url, {
      messages: [{ role: "user", content: "x" }, { role: "assistant", content: "y" }],
      continue_final_message: true,
      add_generation_prompt: true,
    });
    assert.equal(both.status, 400);
    await both.body?.cancel();

    const models = await (await fetch(`${server.url}/models`)).json();
    assert.equal(models.data[0].id, "m");
    const health = await fetch(server.url.replace(/\/v1$/, "/health"));
    assert.equal(health.status, 200);
    await health.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("startOpenAIServer() streams SSE chunks with a final usage chunk", async () => {
  const server = await startOpenAIServer({ answer: standardAnswer });
  try {
    const response = await post(server.url, {
      messages: [{ role: "user", content: "hi" }],
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    const events = (await response.text()).split("\n\n").filter(Boolean);
    assert.equal(events.at(-1), "data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice("data: ".length)));
    const text = ["", ""];
    for (const chunk of chunks) {
      for (const choice of chunk.choices) text[choice.index] += choice.delta.content ?? "";
    }
    assert.deepEqual(text, ["answer 0 to: hi", "answer 1 to: hi more"]);
    assert.equal(chunks[0].choices[0].delta.role, "assistant");
    assert.deepEqual(chunks.at(-1).choices, []);
    assert.equal(chunks.at(-1).usage.completion_tokens, 9);
  } finally {
    await server.close();
  }
});

Deno.test("replayAnswers() replays recorded answers and refuses unknown prompts", async () => {
  const server = await startOpenAIServer({
    answer: replayAnswers(new Map([["What is 6*7?", ["\\boxed{42}", "\\boxed{41}"]]])),
  });
  try {
    const backend = await createBackend("vllm", "m", { base_url: server.url, max_retries: 3 });
    const result = await backend.generate({
      id: "r",
      messages: [{ role: "user", content: "What is 6*7?" }],
      n: 3,
      sampling: {},
    });
    assert.deepEqual(result.completions.map((c) => c.text), [
      "\\boxed{42}",
      "\\boxed{41}",
      "\\boxed{42}",
    ]);
    await assert.rejects(
      backend.generate({
        id: "u",
        messages: [{ role: "user", content: "Unknown?" }],
        n: 1,
        sampling: {},
      }),
      /answered 404: No recorded answer for the prompt "Unknown\?"/,
    );
    assert.equal(server.requests.length, 2, "a 404 is not retried");
    await backend.close();
  } finally {
    await server.close();
  }
});

Deno.test({
  name: "skyThoughtAnswers() replays real SkyThought generations with their token counts",
  async fn() {
    const raw = testdataJson<Record<string, Record<string, unknown>>>(
      "generations/skythought_native/Qwen2.5-32B-Instruct_MATH500_test_None_0_-1_still2_sys_zero.json.gz",
    );
    const recorded = skyThoughtAnswers(raw);
    const [problem, entry] = Object.entries(raw)[0] as [string, { prompt: string }];
    const server = await startOpenAIServer({ answer: replayAnswers(recorded) });
    try {
      const backend = await createBackend("vllm", "Qwen/Qwen2.5-32B-Instruct", {
        base_url: server.url,
        token_ids: false,
      });
      const result = await backend.generate({
        id: "0",
        messages: [{ role: "user", content: entry.prompt }],
        n: 1,
        sampling: { max_tokens: 32768 },
      });
      const expected = recorded.get(problem)![0];
      assert.equal(result.completions[0].text, expected.text);
      assert.match(result.completions[0].text, /\\boxed\{/);
      assert.equal(result.completions[0].completionTokens, 387, "the recorded usage");
      await backend.close();
    } finally {
      await server.close();
    }
  },
});

Deno.test("startOpenAIServer() rejects what OpenAI rejects for o-series models", async () => {
  const server = await startOpenAIServer({ answer: () => "ok" });
  try {
    const maxTokens = await post(server.url, {
      model: "o3-mini",
      messages: [{ role: "user", content: "x" }],
      max_tokens: 10,
    });
    assert.equal(maxTokens.status, 400);
    assert.equal((await maxTokens.json()).error.code, "unsupported_parameter");
    const temperature = await post(server.url, {
      model: "o1",
      messages: [{ role: "user", content: "x" }],
      temperature: 0,
    });
    assert.equal((await temperature.json()).error.code, "unsupported_value");
    const fine = await post(server.url, {
      model: "o1",
      messages: [{ role: "user", content: "x" }],
      max_completion_tokens: 10,
    });
    assert.equal(fine.status, 200);
    await fine.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("replayAnswers() with match contains finds the longest recorded problem in a templated prompt", async () => {
  const answer = replayAnswers(
    new Map([["2+2", "short key"], ["What is 2+2?", "\\boxed{4}"], ["What is 3+3?", "\\boxed{6}"]]),
    { match: "contains" },
  );
  const ask = (content: string) => answer({ messages: [{ role: "user", content }] });
  assert.equal(
    await ask("Return your final response within \\boxed{}. What is 2+2?"),
    "\\boxed{4}",
  );
  assert.equal(await ask("What is 3+3? Think."), "\\boxed{6}");
  assert.throws(() => ask("What is 5+5?"), /No recorded answer/);
});
