/**
 * The conformance suite every generation backend must pass, run against
 * fake servers that speak the real protocol over real sockets. Each
 * `*_conformance_test.ts` calls {@linkcode testBackendConformance} with a
 * way to build its backend.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type Backend, BackendError, type GenerationRequest } from "../../backends/backend.ts";
import {
  countWhitespaceTokens,
  type OpenAIServer,
  type OpenAIServerOptions,
  startOpenAIServer,
} from "../../testing/openai_server.ts";
import { standardAnswer } from "../support/standard_answer.ts";

/** A backend under test and how it is expected to behave. */
export interface ConformanceTarget {
  /** Test name prefix, e.g. "vllm (launched)". */
  name: string;
  /** The model the fake servers serve. */
  model: string;
  /**
   * Builds the backend for fake servers at `urls` (base URLs with `/v1`),
   * merging `args` into its backend args.
   */
  create(
    urls: string[],
    args: Record<string, unknown>,
  ): Promise<{ backend: Backend; cleanup?: () => Promise<void> }>;
  /** Whether it can spread requests over several base URLs. */
  multipleServers: boolean;
  /** Continues an assistant prefill (vLLM) rather than refusing it (OpenAI API). */
  continuesPrefill: boolean;
  /** Always sends vLLM's neutral top_k/min_p/repetition_penalty. */
  sendsVllmDefaults: boolean;
  /** Asks the server for per-choice `token_ids`. */
  asksTokenIds: boolean;
}

const FAST_RETRIES = { retry_base_delay: 0.01, retry_max_delay: 0.05 };

function request(prompt: string, n = 1, sampling: Record<string, unknown> = {}): GenerationRequest {
  return {
    id: `q-${prompt}`,
    messages: [{ role: "system", content: "Be brief." }, { role: "user", content: prompt }],
    n,
    sampling: { temperature: 0.7, top_p: 1, max_tokens: 1000, ...sampling },
  };
}

/** Registers the conformance tests for `target`. */
export function testBackendConformance(target: ConformanceTarget): void {
  async function withBackend(
    serverOptions: Partial<OpenAIServerOptions>[],
    args: Record<string, unknown>,
    run: (backend: Backend, servers: OpenAIServer[], urls: string[]) => Promise<void>,
    extraUrls: string[] = [],
  ): Promise<void> {
    const servers = await Promise.all(
      serverOptions.map((o) =>
        startOpenAIServer({ answer: standardAnswer, model: target.model, ...o })
      ),
    );
    const urls = [...servers.map((s) => s.url), ...extraUrls];
    try {
      const { backend, cleanup } = await target.create(urls, { ...FAST_RETRIES, ...args });
      try {
        await run(backend, servers, urls);
      } finally {
        await backend.close();
        await cleanup?.();
      }
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  }

  const name = (what: string) => `${target.name}: ${what}`;

  Deno.test(name("generate() returns n completions in choice order"), async () => {
    await withBackend([{}], {}, async (backend, [server]) => {
      const result = await backend.generate(request("What is 2+2?", 3));
      assert.equal(result.id, "q-What is 2+2?");
      assert.deepEqual(result.completions.map((c) => c.text), [
        "answer 0 to: What is 2+2?",
        "answer 1 to: What is 2+2? more",
        "answer 2 to: What is 2+2? more more",
      ]);
      assert.deepEqual(result.completions.map((c) => c.finishReason), ["stop", "stop", "stop"]);
      assert.ok(result.latencyMs >= 0);
      assert.equal(server.requests.length, 1);
      assert.equal(server.requests[0].n, 3);
      assert.equal(server.requests[0].model, target.model);
      assert.equal(backend.info.model, target.model);
    });
  });

  Deno.test(name("generate() puts the sampling fields on the wire"), async () => {
    await withBackend([{}], {}, async (backend, [server]) => {
      await backend.generate(
        request("q", 2, {
          temperature: 0.6,
          top_p: 0.95,
          max_tokens: 123,
          seed: 7,
          stop: ["</answer>"],
          top_k: 20,
          frequency_penalty: null,
        }),
      );
      await backend.generate({
        id: "bare",
        messages: [{ role: "user", content: "q" }],
        n: 1,
        sampling: {},
      });
      const [full, bare] = server.requests;
      assert.equal(full.temperature, 0.6);
      assert.equal(full.top_p, 0.95);
      assert.equal(full.max_tokens, 123);
      assert.equal(full.n, 2);
      assert.equal(full.seed, 7);
      assert.deepEqual(full.stop, ["</answer>"]);
      assert.equal(full.top_k, 20);
      assert.ok(!("frequency_penalty" in full), "an unset penalty is not sent");
      assert.ok(!("presence_penalty" in full));
      assert.equal(bare.temperature, 0, "temperature is always sent");
      assert.equal(bare.top_p, 1, "top_p is always sent");
      assert.ok(!("seed" in bare));
      if (target.sendsVllmDefaults) {
        assert.equal(full.min_p, 0);
        assert.equal(full.repetition_penalty, 1);
        assert.equal(bare.top_k, -1);
      } else {
        assert.ok(!("top_k" in bare) && !("min_p" in bare));
      }
      assert.deepEqual(full.messages, [
        { role: "system", content: "Be brief." },
        { role: "user", content: "q" },
      ]);
    });
  });

  Deno.test(name("generate() handles an assistant prefill"), async () => {
    await withBackend([{}], {}, async (backend, [server]) => {
      const prefilled: GenerationRequest = {
        id: "p",
        messages: [{ role: "user", content: "Solve it." }, {
          role: "assistant",
          content: "<think>\n",
        }],
        n: 1,
        sampling: {},
      };
      if (target.continuesPrefill) {
        const result = await backend.generate(prefilled);
        assert.equal(result.completions[0].text, "continued after: <think>\n");
        const body = server.requests[0];
        assert.equal(body.continue_final_message, true);
        assert.equal(body.add_generation_prompt, false);
        assert.deepEqual(body.messages.at(-1), { role: "assistant", content: "<think>\n" });
      } else {
        await assert.rejects(backend.generate(prefilled), (error: unknown) => {
          assert.ok(error instanceof BackendError);
          assert.match(error.message, /prefill=ignore/);
          assert.equal(error.retryable, false);
          return true;
        });
        assert.equal(server.requests.length, 0, "nothing is sent");
      }
    });
  });

  Deno.test(name("generate() retries 429 and 503, honouring Retry-After"), async () => {
    await withBackend(
      [{
        failures: [
          { status: 429, message: "Rate limit reached", retryAfterMs: "300" },
          { status: 503, message: "Engine busy", flat: true },
        ],
      }],
      { max_retries: 3 },
      async (backend, [server]) => {
        const started = performance.now();
        const result = await backend.generate(request("retry me"));
        assert.equal(result.completions[0].text, "answer 0 to: retry me");
        assert.equal(server.requests.length, 3);
        assert.ok(performance.now() - started >= 250, "waited as Retry-After asked");
      },
    );
  });

  Deno.test(name("generate() does not retry a 400 and reports its message"), async () => {
    await withBackend(
      [{
        failures: [{ status: 400, message: "This model's maximum context length is 4096 tokens." }],
      }],
      { max_retries: 3 },
      async (backend, [server]) => {
        await assert.rejects(backend.generate(request("too long")), (error: unknown) => {
          assert.ok(error instanceof BackendError);
          assert.equal(error.status, 400);
          assert.equal(error.retryable, false);
          assert.match(
            error.message,
            /answered 400: This model's maximum context length is 4096 tokens\./,
          );
          return true;
        });
        assert.equal(server.requests.length, 1);
      },
    );
  });

  Deno.test(name("generate() gives up after max_retries and says why"), async () => {
    await withBackend(
      [{ failures: () => ({ status: 500, message: "Internal\nerror" }) }],
      { max_retries: 2 },
      async (backend, [server]) => {
        await assert.rejects(
          backend.generate(request("doomed")),
          /answered 500: Internal error \(after 3 attempts\)/,
        );
        assert.equal(server.requests.length, 3);
      },
    );
  });

  Deno.test(name("generate() times out a hung request"), async () => {
    await withBackend(
      [{ latencyMs: 10_000 }],
      { timeout: 0.3, max_retries: 1 },
      async (backend, [server]) => {
        await assert.rejects(backend.generate(request("slow")), (error: unknown) => {
          assert.ok(error instanceof BackendError);
          assert.match(error.message, /timed out after 0\.3 s \(after 2 attempts\)/);
          return true;
        });
        assert.equal(server.requests.length, 2);
      },
    );
  });

  Deno.test(name("generate() stops when its signal aborts"), async () => {
    await withBackend([{ latencyMs: 10_000 }], {}, async (backend) => {
      const controller = new AbortController();
      const pending = backend.generate(request("cancel me"), controller.signal);
      setTimeout(() => controller.abort(new Error("user cancelled")), 100);
      await assert.rejects(pending, /user cancelled/);
    });
  });

  Deno.test(name("generate() accounts tokens per choice"), async () => {
    await withBackend([{}], {}, async (backend, [server]) => {
      const result = await backend.generate(request("count these tokens", 3));
      const prompt = countWhitespaceTokens("Be brief.") +
        countWhitespaceTokens("count these tokens");
      assert.equal(result.promptTokens, prompt, "prompt tokens once per request");
      const tokens = result.completions.map((c) => c.completionTokens!);
      const total = result.completions.reduce((sum, c) => sum + countWhitespaceTokens(c.text), 0);
      assert.equal(
        tokens.reduce((a, b) => a + b, 0),
        total,
        "the parts add up to the reported total",
      );
      assert.ok(tokens.every((t) => t > 0), `no choice gets zero: ${tokens}`);
      if (target.asksTokenIds) {
        assert.equal(server.requests[0].return_token_ids, true);
        assert.deepEqual(tokens, result.completions.map((c) => countWhitespaceTokens(c.text)));
        assert.ok(result.completions.every((c) => c.completionTokensKind === "reported"));
      } else if (server.requests[0].stream === true) {
        assert.deepEqual(tokens, result.completions.map((c) => countWhitespaceTokens(c.text)));
        assert.ok(result.completions.every((c) => c.completionTokensKind === "stream_chunks"));
      } else {
        assert.ok(result.completions.every((c) => c.completionTokensKind === "apportioned"));
        assert.ok(tokens[0] < tokens[2], "longer choices get more tokens");
      }

      const cut = await backend.generate(request("a long question here", 2, { max_tokens: 3 }));
      assert.deepEqual(cut.completions.map((c) => c.finishReason), ["length", "length"]);
      assert.deepEqual(cut.completions.map((c) => c.completionTokens), [3, 3]);
    });
  });

  // Only where several servers make sense (a launched vLLM is one server).
  if (target.multipleServers) {
    Deno.test({
      name: name("generate() spreads load over base URLs and survives a dead one"),
      async fn() {
        const dead = `http://127.0.0.1:${closedPort()}/v1`;
        await withBackend(
          [{ latencyMs: 20 }, { latencyMs: 20 }],
          { concurrency: 4 },
          async (backend, servers) => {
            const results = await Promise.all(
              Array.from({ length: 16 }, (_, i) => backend.generate(request(`spread ${i}`))),
            );
            assert.deepEqual(
              results.map((r) => r.completions[0].text),
              Array.from({ length: 16 }, (_, i) => `answer 0 to: spread ${i}`),
            );
            const counts = servers.map((s) => s.requests.length);
            assert.equal(counts[0] + counts[1], 16);
            assert.ok(counts.every((c) => c >= 4), `both live servers share the load: ${counts}`);
          },
          [dead],
        );
      },
    });
  }

  Deno.test(name("generate() keeps at most `concurrency` requests in flight"), async () => {
    await withBackend([{ latencyMs: 60 }], { concurrency: 3 }, async (backend, [server]) => {
      assert.equal(backend.maxConcurrency, 3);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => backend.generate(request(`bounded ${i}`))),
      );
      assert.equal(results.length, 12);
      assert.equal(server.requests.length, 12);
      assert.equal(server.stats.maxInFlight, 3);
    });
  });
}

/** A port nothing listens on (bound, then released). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
