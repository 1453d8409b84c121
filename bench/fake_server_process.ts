/**
 * The fake OpenAI server in a process of its own, for benchmarks that keep
 * the server's CPU apart from the client's (as a real vLLM server is):
 * prints its base URL on stdout, then serves until stdin closes.
 *
 *   deno run -A bench/fake_server_process.ts
 *
 * @module
 */

import { startOpenAIServer } from "../testing/openai_server.ts";

const server = await startOpenAIServer({
  answer: () => "The answer is 42.",
  recordRequests: false,
});
console.log(server.url);
for await (const _ of Deno.stdin.readable) { /* serve until stdin closes */ }
await server.close();
