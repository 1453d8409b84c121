import assert from "node:assert/strict";
import { BackendError, type GenerationRequest } from "../../backends/backend.ts";
import { buildChatBody, type ChatBodyOptions } from "../../backends/chat_body.ts";

const VLLM: ChatBodyOptions = {
  dialect: "vllm",
  reasoning: false,
  prefill: "continue",
  passThrough: true,
  returnTokenIds: true,
};
const OPENAI: ChatBodyOptions = {
  dialect: "openai",
  reasoning: false,
  prefill: "reject",
  passThrough: false,
  returnTokenIds: false,
};

function req(sampling: Record<string, unknown>, withPrefill = false): GenerationRequest {
  return {
    id: "x",
    n: 4,
    sampling,
    messages: [
      { role: "system", content: "Think step by step." },
      { role: "user", content: "1+1?" },
      ...(withPrefill ? [{ role: "assistant" as const, content: "<think>\n" }] : []),
    ],
  };
}

Deno.test("buildChatBody() sends temperature and top_p always and drops null keys", () => {
  const body = buildChatBody(
    "gpt-4o",
    req({ frequency_penalty: null, presence_penalty: 0.5 }),
    OPENAI,
  );
  assert.deepEqual(body, {
    model: "gpt-4o",
    messages: req({}).messages,
    n: 4,
    temperature: 0,
    top_p: 1,
    presence_penalty: 0.5,
  });
});

Deno.test("buildChatBody() follows the reasoning-model rules", () => {
  const body = buildChatBody(
    "o3-mini",
    req({
      temperature: 0,
      top_p: 0.9,
      max_tokens: 32768,
      reasoning_effort: "high",
      frequency_penalty: 0,
    }),
    { ...OPENAI, reasoning: true },
  );
  assert.deepEqual(body, {
    model: "o3-mini",
    messages: [
      { role: "developer", content: "Think step by step." },
      { role: "user", content: "1+1?" },
    ],
    n: 4,
    max_completion_tokens: 32768,
    reasoning_effort: "high",
  });
  const o1mini = buildChatBody("openai/o1-mini", req({}), { ...OPENAI, reasoning: true });
  assert.equal((o1mini.messages as { role: string }[])[0].role, "user");
});

Deno.test("buildChatBody() refuses vLLM-only keys and misplaced reasoning_effort for OpenAI's API", () => {
  assert.throws(
    () => buildChatBody("gpt-4o", req({ top_k: 20, min_p: 0.05 }), OPENAI),
    (error: unknown) =>
      error instanceof BackendError && !error.retryable &&
      error.message ===
        'Sampling parameter "top_k", "min_p" is not supported by the OpenAI API: use --backend vllm, or point base_url at a vLLM server',
  );
  const neutral = buildChatBody("gpt-4o", req({ top_k: -1, repetition_penalty: 1 }), OPENAI);
  assert.ok(!("top_k" in neutral) && !("repetition_penalty" in neutral));
  assert.throws(
    () => buildChatBody("gpt-4o", req({ reasoning_effort: "low" }), OPENAI),
    /only supported for reasoning models/,
  );
  const compatible = buildChatBody("local", req({ top_k: 20, reasoning_effort: "low" }), {
    ...OPENAI,
    passThrough: true,
  });
  assert.equal(compatible.top_k, 20);
  assert.equal(compatible.reasoning_effort, "low");
});

Deno.test("buildChatBody() sends vLLM extras, neutral defaults and unknown keys to vLLM", () => {
  const body = buildChatBody(
    "m",
    req({ min_tokens: 5, skip_special_tokens: false, min_p: 0.1 }),
    VLLM,
  );
  assert.equal(body.top_k, -1);
  assert.equal(body.min_p, 0.1);
  assert.equal(body.repetition_penalty, 1);
  assert.equal(body.min_tokens, 5);
  assert.equal(body.skip_special_tokens, false);
  assert.equal(body.return_token_ids, true);
  assert.ok(!("continue_final_message" in body));
});

Deno.test("buildChatBody() continues, drops or refuses a prefill", () => {
  const continued = buildChatBody("m", req({}, true), VLLM);
  assert.equal(continued.continue_final_message, true);
  assert.equal(continued.add_generation_prompt, false);
  assert.equal((continued.messages as unknown[]).length, 3);

  const dropped = buildChatBody("gpt-4o", req({}, true), { ...OPENAI, prefill: "ignore" });
  assert.deepEqual(dropped.messages, req({}).messages);
  assert.ok(!("continue_final_message" in dropped));

  assert.throws(
    () => buildChatBody("gpt-4o", req({}, true), OPENAI),
    /prefill=ignore to drop the prefill$/,
  );
  assert.throws(
    () => buildChatBody("gpt-4o", req({}, true), { ...OPENAI, prefill: "continue" }),
    /Cannot honour the assistant prefill/,
  );
  const viaCompatible = buildChatBody("m", req({}, true), {
    ...OPENAI,
    passThrough: true,
    prefill: "continue",
  });
  assert.equal(viaCompatible.continue_final_message, true);
});

Deno.test("buildChatBody() takes n from the request, not from sampling", () => {
  const body = buildChatBody("m", req({ n: 9 }), VLLM);
  assert.equal(body.n, 4);
});
