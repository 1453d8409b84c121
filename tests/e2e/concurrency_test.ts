/**
 * `--concurrency N` is the number of requests in flight at the servers, end
 * to end, for every backend and over all base URLs: the test servers count
 * requests in flight together and hold each one until N are there (or a
 * deadline passes), so a client that sends fewer, or more, shows.
 */
import { assertEquals } from "../support/assert.ts";
import { type OpenAIServer, startOpenAIServer } from "../../testing/openai_server.ts";
import { onlyRunDir, runCli, writeArithmeticTask } from "./cli_helpers.ts";

const HOLD_LIMIT_MS = 10_000;

/** Servers sharing one in-flight count; each request waits until `level` are in flight. */
async function startHoldingServers(count: number, level: number): Promise<OpenAIServer[]> {
  const stats = { inFlight: 0, maxInFlight: 0 };
  const answer = async () => {
    const until = Date.now() + HOLD_LIMIT_MS;
    while (stats.inFlight < level && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return "The answer is \\boxed{1}.";
  };
  return await Promise.all(
    Array.from({ length: count }, () => startOpenAIServer({ answer, stats })),
  );
}

const CASES = [
  { backend: "openai", servers: 1, n: 1 },
  { backend: "vllm", servers: 1, n: 1 },
  { backend: "ray", servers: 1, n: 1 },
  { backend: "vllm", servers: 2, n: 2 },
];

for (const { backend, servers: serverCount, n } of CASES) {
  const label = serverCount > 1 ? `${backend}, ${serverCount} base_urls, n=${n}` : backend;
  Deno.test(`--concurrency 1, 32, 256 is the peak in flight at the servers (${label})`, async () => {
    for (const level of [1, 32, 256]) {
      const dir = await Deno.makeTempDir();
      const servers = await startHoldingServers(serverCount, level);
      try {
        const task = await writeArithmeticTask(dir, 2 * level);
        const urls = servers.map((s) => s.url);
        const run = await runCli([
          "generate",
          "--task",
          task,
          "--model",
          "m",
          "--backend",
          backend,
          "--backend-args",
          JSON.stringify({ base_urls: urls }),
          "--sampling-params",
          `temperature=${n > 1 ? 0.7 : 0},max_tokens=64`,
          "--n",
          String(n),
          "--concurrency",
          String(level),
          "--result-dir",
          dir,
        ]);
        assertEquals(run.code, 0, run.stderr);
        const requests = servers.reduce((sum, s) => sum + s.requests.length, 0);
        assertEquals(requests, 2 * level, "one request per problem, carrying all n choices");
        assertEquals(servers[0].stats.maxInFlight, level, `peak at the servers for ${level}`);
        if (serverCount > 1) {
          for (const server of servers) {
            if (server.requests.length === 0) throw new Error("a base URL got no requests");
          }
        }
        const summary = JSON.parse(
          await Deno.readTextFile(`${await onlyRunDir(dir)}/summary.json`),
        );
        const reached = summary.generation.concurrency;
        assertEquals([reached.requested, reached.peak], [level, level]);
        if (!(reached.mean > 0 && reached.mean <= level)) {
          throw new Error(`mean in flight ${reached.mean} outside (0, ${level}]`);
        }
      } finally {
        await Promise.all(servers.map((s) => s.close()));
        await Deno.remove(dir, { recursive: true });
      }
    }
  });
}
