/**
 * A stand-in for the `vllm` executable, for tests of the launch path:
 * `deno run -A fake_vllm.ts [fake options] serve MODEL --host H --port P ...`.
 * It writes its argv to `--record FILE`, waits `--startup-delay-ms` (real
 * vLLM opens its socket only after loading), then serves the real protocol on
 * H:P: by forwarding to `--upstream URL` (a test's in-process fake server,
 * so the test can script failures), or else with the standard answers. It
 * honours `--api-key` and exits 0 on SIGTERM (or ignores it with
 * `--ignore-sigterm 1`, like a hung engine). Asked `__crash__`, it dies like
 * a vLLM whose GPU failed.
 *
 * @module
 */

import { type ChatRequestBody, startOpenAIServer } from "../../testing/openai_server.ts";
import { standardAnswer } from "./standard_answer.ts";

const argv = [...Deno.args];
const fake: Record<string, string> = {};
while (argv[0]?.startsWith("--")) {
  fake[argv.shift()!.slice(2)] = argv.shift()!;
}
if (fake.record) await Deno.writeTextFile(fake.record, JSON.stringify(argv));
if (argv[0] !== "serve" || !argv[1]) {
  console.error("usage: vllm serve MODEL [flags]");
  Deno.exit(2);
}
const model = argv[1];
const flag = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const host = flag("--host") ?? "127.0.0.1";
const port = Number(flag("--port") ?? 8000);
const apiKey = flag("--api-key");

console.error(`INFO fake vllm: loading ${model}`);
await new Promise((resolve) => setTimeout(resolve, Number(fake["startup-delay-ms"] ?? 0)));

let close: () => Promise<void>;
const stopping = new AbortController();
if (fake.upstream) {
  const upstream = fake.upstream.replace(/\/v1$/, "");
  const server = Deno.serve({ hostname: host, port, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    if (
      apiKey && url.pathname.startsWith("/v1/") &&
      request.headers.get("authorization") !== `Bearer ${apiKey}`
    ) {
      return Response.json({ error: "Unauthorized" }, { status: 401 });
    }
    try {
      const answer = await fetch(`${upstream}${url.pathname}`, {
        method: request.method,
        headers: { "content-type": request.headers.get("content-type") ?? "application/json" },
        body: request.method === "GET" ? undefined : await request.text(),
        signal: stopping.signal,
      });
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    } catch {
      return new Response(null, { status: 502 });
    }
  });
  close = () => server.shutdown();
} else {
  const answer = (req: ChatRequestBody) => {
    if (req.messages.at(-1)?.content === "__crash__") {
      console.error("RuntimeError: CUDA error: an illegal memory access was encountered");
      Deno.exit(3);
    }
    return standardAnswer(req);
  };
  const server = await startOpenAIServer({
    answer,
    model,
    hostname: host,
    port,
    apiKey,
  });
  close = server.close;
}
console.error(`INFO fake vllm: serving ${model} on http://${host}:${port}`);

Deno.addSignalListener("SIGTERM", async () => {
  if (fake["ignore-sigterm"] === "1") {
    console.error("INFO fake vllm: ignoring SIGTERM");
    return;
  }
  console.error("INFO fake vllm: shutting down");
  stopping.abort();
  await close();
  Deno.exit(0);
});
