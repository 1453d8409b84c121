/**
 * What the real llama-server does differently from the project's fake
 * server (testing/openai_server.ts), recorded in
 * tests/testdata/llama/llama_server_behaviour.json and checked here: each
 * fact has a probe (raw HTTP requests) whose observation must equal the
 * recorded value, against the live llama-server and against the fake.
 */
import { assertEquals } from "../support/assert.ts";
import {
  IGNORE_WITHOUT_LLAMA_SERVER,
  startLlamaServer,
  STORIES_MODEL_NAME,
} from "../support/llama_server.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";

interface Fact {
  what: string;
  llama_server: unknown;
  /** `null`: the fake's answer here is whatever its answer function says. */
  fake_server: unknown;
  consequence: string;
}

const FIXTURE = new URL("../testdata/llama/llama_server_behaviour.json", import.meta.url);
const facts: Record<string, Fact> = JSON.parse(await Deno.readTextFile(FIXTURE)).facts;

const USER = { role: "user", content: "Once upon a time" };
const PREFILL = "Once upon a time, there was a big";

/** The parts of a chat response (or SSE chunk) the probes read. */
interface ChatJson {
  choices: {
    finish_reason: string;
    message: { content: string };
    delta: { content: string | null };
    token_ids?: number[];
  }[];
  usage?: { completion_tokens: number };
  error?: { message?: unknown };
}

/** POSTs a chat request; the JSON body (or the SSE events) and the status. */
async function chat(
  base: string,
  body: Record<string, unknown> | string,
): Promise<{ status: number; json: ChatJson; events: ChatJson[] }> {
  const response = await fetch(`${base}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string"
      ? body
      : JSON.stringify({ model: STORIES_MODEL_NAME, temperature: 0, ...body }),
  });
  const text = await response.text();
  if (response.headers.get("content-type")?.includes("text/event-stream")) {
    const events = text.split("\n").filter((l) => l.startsWith("data: ") && !l.includes("[DONE]"))
      .map((l) => JSON.parse(l.slice(6)));
    return { status: response.status, json: { choices: [] }, events };
  }
  return { status: response.status, json: JSON.parse(text), events: [] };
}

const content = (json: ChatJson, i = 0): string => json.choices[i].message.content;

/** One probe per fact: the observation from a server at `base`. */
const PROBES: Record<string, (base: string) => Promise<unknown>> = {
  async unknown_keys(base) {
    const { status } = await chat(base, { messages: [USER], max_tokens: 2, no_such_key: 1 });
    return { status };
  },
  async any_model_name(base) {
    const { status } = await chat(base, {
      messages: [USER],
      max_tokens: 2,
      model: "no-such-model",
    });
    return { status };
  },
  async max_tokens(base) {
    const { json } = await chat(base, { messages: [USER], max_tokens: 5 });
    return {
      finish_reason: json.choices[0].finish_reason,
      completion_tokens: json.usage?.completion_tokens,
    };
  },
  async max_completion_tokens(base) {
    const { json } = await chat(base, { messages: [USER], max_completion_tokens: 5 });
    return {
      finish_reason: json.choices[0].finish_reason,
      completion_tokens: json.usage?.completion_tokens,
    };
  },
  async usage_with_n(base) {
    const { json } = await chat(base, {
      messages: [USER],
      max_tokens: 6,
      n: 2,
      temperature: 1,
      seed: 1,
    });
    return {
      finish_reasons: json.choices.map((c) => c.finish_reason),
      completion_tokens: json.usage?.completion_tokens,
    };
  },
  async streamed_usage_with_n(base) {
    const { events } = await chat(base, {
      messages: [USER],
      max_tokens: 6,
      n: 2,
      temperature: 1,
      seed: 1,
      stream: true,
      stream_options: { include_usage: true },
    });
    return {
      usage_chunks: events.filter((e) => e.usage).map((e) => e.usage?.completion_tokens),
      first_delta_content: events[0].choices[0].delta.content,
    };
  },
  async stop(base) {
    const { json } = await chat(base, { messages: [USER], max_tokens: 48, stop: ["."] });
    return {
      finish_reason: json.choices[0].finish_reason,
      contains_stop: content(json).includes("."),
    };
  },
  async prefill_continued(base) {
    const { status, json } = await chat(base, {
      messages: [USER, { role: "assistant", content: PREFILL }],
      max_tokens: 8,
      continue_final_message: true,
      add_generation_prompt: false,
    });
    return { status, starts_with_prefill: content(json).startsWith(PREFILL) };
  },
  async prefill_without_flags(base) {
    const { status, json } = await chat(base, {
      messages: [USER, { role: "assistant", content: PREFILL }],
      max_tokens: 8,
    });
    return { status, starts_with_prefill: content(json).startsWith(PREFILL) };
  },
  async continue_with_generation_prompt(base) {
    const { status } = await chat(base, {
      messages: [USER, { role: "assistant", content: PREFILL }],
      max_tokens: 8,
      continue_final_message: true,
    });
    return { status };
  },
  async return_token_ids(base) {
    const { json } = await chat(base, { messages: [USER], max_tokens: 4, return_token_ids: true });
    return { token_ids: Array.isArray(json.choices[0].token_ids) };
  },
  async seed_per_choice(base) {
    const sampled = (seed: number, n: number) =>
      chat(base, { messages: [USER], max_tokens: 10, temperature: 1, seed, n });
    const [pair, five, six] = await Promise.all([sampled(5, 2), sampled(5, 1), sampled(6, 1)]);
    return {
      same_seed_same_text: content(pair.json, 0) === content(five.json),
      choice_1_is_seed_plus_1: content(pair.json, 1) === content(six.json),
    };
  },
  async empty_messages(base) {
    const { status } = await chat(base, { messages: [], max_tokens: 2 });
    return { status };
  },
  async invalid_json(base) {
    const { status, json } = await chat(base, "{not json");
    return { status, error_message: typeof json.error?.message };
  },
};

Deno.test("every recorded fact has a probe and every probe a fact", () => {
  assertEquals(Object.keys(PROBES).sort(), Object.keys(facts).sort());
});

Deno.test({
  name: "llama-server behaves as recorded in llama_server_behaviour.json",
  ignore: IGNORE_WITHOUT_LLAMA_SERVER,
  async fn(t) {
    await using server = await startLlamaServer({ parallel: 2 });
    for (const [id, probe] of Object.entries(PROBES)) {
      await t.step(id, async () => {
        assertEquals(await probe(server.url), facts[id].llama_server, facts[id].what);
      });
    }
  },
});

Deno.test("the fake server behaves as recorded in llama_server_behaviour.json", async (t) => {
  await using fake = await startFake();
  for (const [id, probe] of Object.entries(PROBES)) {
    if (facts[id].fake_server === null) continue;
    await t.step(id, async () => {
      assertEquals(await probe(fake.url), facts[id].fake_server, facts[id].what);
    });
  }
});

async function startFake() {
  const server = await startOpenAIServer({
    answer: () => "Lily saw a big dog. The dog was happy and they played all day",
  });
  return { url: server.url, [Symbol.asyncDispose]: () => server.close() };
}
