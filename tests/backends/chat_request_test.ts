/**
 * The fetch client under the backends, against hand-written servers on real
 * sockets: streams cut anywhere, errors inside streams, bodies of the wrong
 * shape, headers, and keep-alive connections.
 */
import assert from "node:assert/strict";
import { type Backend, BackendError } from "../../backends/backend.ts";
import { createBackend } from "../../backends/mod.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { standardAnswer } from "../support/standard_answer.ts";

const question = {
  id: "q",
  messages: [{ role: "user" as const, content: "hi" }],
  n: 1,
  sampling: {},
};

/** Serves `handler` on 127.0.0.1 and passes its base URL to `run`. */
async function withServer(
  handler: (
    request: Request,
    info: Deno.ServeHandlerInfo<Deno.NetAddr>,
  ) => Response | Promise<Response>,
  run: (url: string) => Promise<void>,
): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  try {
    await run(`http://127.0.0.1:${server.addr.port}/v1`);
  } finally {
    await server.shutdown();
  }
}

async function withBackend(
  url: string,
  args: Record<string, unknown>,
  run: (backend: Backend) => Promise<void>,
): Promise<void> {
  const backend = await createBackend("vllm", "m", {
    base_url: url,
    retry_base_delay: 0.01,
    ...args,
  });
  try {
    await run(backend);
  } finally {
    await backend.close();
  }
}

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return JSON.stringify({
    id: "c",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
}

/** Reads one HTTP request (headers and a content-length body) off a raw connection. */
async function readRequest(conn: Deno.Conn): Promise<void> {
  let text = "";
  const buffer = new Uint8Array(65_536);
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) return;
    text += new TextDecoder().decode(buffer.subarray(0, n));
    const end = text.indexOf("\r\n\r\n");
    const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
    if (end >= 0 && new TextEncoder().encode(text.slice(end + 4)).length >= length) return;
  }
}

/** A response whose body arrives in `pieces`, each written on its own. */
function piecewise(pieces: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const piece of pieces) {
        controller.enqueue(encoder.encode(piece));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

Deno.test("a stream cut mid-line, mid-character and with \\r\\n line ends is assembled whole", async () => {
  const sse = [
    `data: ${chunk({ role: "assistant", content: "" })}`,
    `data: ${chunk({ content: "Grüße, " })}`,
    `data: ${chunk({ content: "π = 3.14" })}`,
    `data: ${chunk({}, "stop")}`,
    `data: {"choices":[],"usage":{"prompt_tokens":2,"completion_tokens":4}}`,
    "data: [DONE]",
    "",
  ].join("\r\n\r\n");
  // Cuts every 7 bytes: through "data:", through \r\n pairs, inside ü and π.
  const bytes = new TextEncoder().encode(sse);
  await withServer(() => {
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        for (let i = 0; i < bytes.length; i += 7) {
          controller.enqueue(bytes.slice(i, i + 7));
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  }, async (url) => {
    await withBackend(url, {}, async (backend) => {
      const result = await backend.generate(question);
      assert.equal(result.completions[0].text, "Grüße, π = 3.14");
      assert.equal(result.completions[0].finishReason, "stop");
      assert.equal(result.promptTokens, 2);
    });
  });
});

Deno.test("an error event inside a 200 stream fails the attempt with the server's words and is retried", async () => {
  let calls = 0;
  await withServer(() => {
    calls++;
    if (calls === 1) {
      return piecewise([
        `data: ${chunk({ role: "assistant", content: "" })}\n\n`,
        'event: error\ndata: {"message":"EngineDeadError: the engine died"}\n\n',
      ]);
    }
    if (calls === 2) {
      return piecewise([`data: {"error":{"message":"Out of KV cache","code":500}}\n\n`]);
    }
    return piecewise([`data: ${chunk({ content: "fine" }, "stop")}\n\ndata: [DONE]\n\n`]);
  }, async (url) => {
    const lines: string[] = [];
    const backend = await createBackend("vllm", "m", {
      base_url: url,
      retry_base_delay: 0.01,
    }, { onLog: (line) => lines.push(line) });
    try {
      const result = await backend.generate(question);
      assert.equal(result.completions[0].text, "fine");
      assert.equal(calls, 3);
      assert.deepEqual(
        backend.retries!().map((r) => r.cause.replace(/"http[^"]*"/, "URL")),
        [
          "Server URL broke off with an error: EngineDeadError: the engine died",
          "Server URL broke off with an error: Out of KV cache",
        ],
      );
    } finally {
      await backend.close();
    }
  });
});

Deno.test("a stream event that is not JSON, or not an object, is named as such", async () => {
  for (const bad of ["{oops", "[1,2]", "null"]) {
    await withServer(() => piecewise([`data: ${bad}\n\n`]), async (url) => {
      await withBackend(url, { max_retries: 0 }, async (backend) => {
        await assert.rejects(backend.generate(question), (error: unknown) => {
          assert.ok(error instanceof BackendError);
          assert.match(error.message, /sent a body that is not JSON/, bad);
          return true;
        });
      });
    });
  }
});

Deno.test("an unstreamed 200 body that is not an object says what came", async () => {
  for (
    const [body, expected] of [["[]", /has no "choices": \[\]/], ["null", /has no "choices": null/]]
  ) {
    await withServer(
      () => new Response(body as string, { headers: { "content-type": "application/json" } }),
      async (url) => {
        await withBackend(url, { max_retries: 0, stream: false }, async (backend) => {
          await assert.rejects(backend.generate(question), expected as RegExp);
        });
      },
    );
  }
});

Deno.test("a connection dropped in the middle of a stream is retried", async () => {
  // A raw socket: the first answer promises more than it sends, then hangs up.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let calls = 0;
  const serving = (async () => {
    for await (const conn of listener) {
      await readRequest(conn);
      calls++;
      const sse = calls === 1
        ? `data: ${chunk({ content: "par" })}\n\n`
        : `data: ${chunk({ content: "whole" }, "stop")}\n\ndata: [DONE]\n\n`;
      const length = calls === 1 ? 10_000 : new TextEncoder().encode(sse).length;
      await conn.write(
        new TextEncoder().encode(
          `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: ${length}\r\nconnection: close\r\n\r\n${sse}`,
        ),
      );
      conn.close();
    }
  })();
  try {
    const url = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/v1`;
    await withBackend(url, {}, async (backend) => {
      const result = await backend.generate(question);
      assert.equal(result.completions[0].text, "whole", "nothing of the broken attempt is kept");
      assert.equal(calls, 2);
      assert.match(backend.retries!()[0].cause, /broke while reading the response/);
    });
  } finally {
    listener.close();
    await serving.catch(() => {});
  }
});

Deno.test("the old flat vLLM error body reaches the user in the server's words", async () => {
  const server = await startOpenAIServer({
    answer: standardAnswer,
    failures: [{ status: 400, message: "max_tokens is too large", flat: true }],
  });
  try {
    await withBackend(server.url, {}, async (backend) => {
      await assert.rejects(backend.generate(question), /answered 400: max_tokens is too large$/);
    });
  } finally {
    await server.close();
  }
});

Deno.test("requests carry JSON headers, the key only when there is one, and reuse connections", async () => {
  const server = await startOpenAIServer({ answer: standardAnswer });
  const ports = new Set<number>();
  try {
    await withServer(async (request, info) => {
      ports.add(info.remoteAddr.port);
      return await fetch(server.url + "/chat/completions", {
        method: "POST",
        headers: request.headers,
        body: await request.text(),
      });
    }, async (url) => {
      for (const apiKey of [undefined, "sk-1"]) {
        await withBackend(url, apiKey ? { api_key: apiKey } : {}, async (backend) => {
          for (let i = 0; i < 20; i++) await backend.generate(question);
        });
      }
    });
    const [keyless, keyed] = [server.requestHeaders[0], server.requestHeaders[20]];
    assert.equal(keyless.get("content-type"), "application/json");
    assert.match(keyless.get("user-agent") ?? "", /^skyeval\/\d+\.\d+\.\d+/);
    assert.equal(keyless.get("authorization"), null);
    assert.equal(keyed.get("authorization"), "Bearer sk-1");
    assert.equal(server.requests.length, 40);
    assert.ok(ports.size <= 2, `40 requests one after another used ${ports.size} connections`);
  } finally {
    await server.close();
  }
});

Deno.test("a key or header with a line break is refused before anything is sent", async () => {
  for (const args of [{ api_key: "sk-1\r\nx-evil: 1" }, { api_key: "sk-\u0000" }]) {
    await assert.rejects(
      createBackend("vllm", "m", { base_url: "http://127.0.0.1:9/v1", ...args }),
      /Invalid value of HTTP header "authorization": it holds a line break or control character/,
    );
  }
  await assert.rejects(
    createBackend("openai", "m", { base_url: "http://127.0.0.1:9/v1", organization: "a\nb" }),
    /HTTP header "OpenAI-Organization"/,
  );
});

Deno.test("a long answer, far larger than one read, arrives whole streamed and unstreamed", async () => {
  const long = Array.from({ length: 30_000 }, (_, i) => `w${i}`).join(" ");
  const server = await startOpenAIServer({ answer: () => long });
  try {
    for (const stream of [true, false]) {
      await withBackend(server.url, { stream }, async (backend) => {
        const result = await backend.generate({ ...question, n: 2 });
        assert.deepEqual(result.completions.map((c) => c.text), [long, long], `stream=${stream}`);
      });
    }
  } finally {
    await server.close();
  }
});

/** A stream that sends a word every `gapMs`, `words` times, then finishes. */
function tricklingStream(words: number, gapMs: number): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let i = 0; i < words; i++) {
        controller.enqueue(encoder.encode(`data: ${chunk({ content: `w${i} ` })}\n\n`));
        await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
      controller.enqueue(encoder.encode(`data: ${chunk({}, "stop")}\n\ndata: [DONE]\n\n`));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

Deno.test("the idle timeout ends a silent stream, not a slow live one, for attempts side by side", async () => {
  // Live: a word every 0.1 s for 3 s, longer in all than its 2.5 s idle timeout.
  // Silent: one word, then 5 s of silence, against 0.4 s: due well before the live one's.
  await withServer(() => tricklingStream(30, 100), async (liveUrl) => {
    await withServer(() => tricklingStream(1, 5_000), async (silentUrl) => {
      await withBackend(liveUrl, { idle_timeout: 2.5 }, async (live) => {
        await withBackend(silentUrl, { idle_timeout: 0.4, max_retries: 0 }, async (silent) => {
          const kept = live.generate(question);
          const started = performance.now();
          await assert.rejects(silent.generate(question), /was silent for 0\.4 s \(idle_timeout\)/);
          const waited = performance.now() - started;
          assert.ok(waited < 2_400, `cut at its own deadline, not the live one's: ${waited} ms`);
          assert.match((await kept).completions[0].text, /^w0 w1 .*w29 $/);
        });
      });
    });
  });
});
