/**
 * Ctrl-C during `evaluate --backend vllm` without a `base_url` stops the `vllm serve` that
 * skyeval launched: a fake `vllm` executable on PATH (speaking the real HTTP protocol,
 * forwarding to a local replay server) must be gone once skyeval has exited.
 */
import { assertEquals } from "../support/assert.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { writeFakeVllm } from "../support/fake_vllm_command.ts";
import { ROOT } from "./cli_helpers.ts";

/** The pid of the process whose command line mentions `needle`, if any. */
async function pidMentioning(needle: string): Promise<number | null> {
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
    if (cmdline.includes(needle)) return Number(entry.name);
  }
  return null;
}

/** Whether `pid` is a live (not zombie) process. */
async function alive(pid: number): Promise<boolean> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => null);
  return stat !== null && !/^\d+ \(.*\) Z /.test(stat);
}

async function until(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return await done();
}

Deno.test({
  name: "Ctrl-C stops the vllm serve that evaluate launched",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const server = await startOpenAIServer({ answer: () => "So $\\boxed{1}$.", latencyMs: 200 });
    const fake = await writeFakeVllm({ upstream: server.url });
    try {
      const dataset = `${dir}/data.jsonl`;
      const rows = Array.from({ length: 40 }, (_, i) => ({ problem: `${i}+1?`, answer: "1" }));
      await Deno.writeTextFile(dataset, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
      const fakeDir = fake.command[0].replace(/\/vllm$/, "");
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--quiet",
          `${ROOT}cli.ts`,
          "evaluate",
          "--task",
          "math500",
          "--model",
          "fake/model",
          "--backend",
          "vllm",
          "--dataset-path",
          dataset,
          "--concurrency",
          "1",
          "--result-dir",
          `${dir}/results`,
        ],
        cwd: ROOT,
        env: { NO_COLOR: "1", PATH: `${fakeDir}:${Deno.env.get("PATH")}` },
        stdout: "null",
        stderr: "piped",
      }).spawn();
      let exited = false;
      child.status.then(() => (exited = true));
      // Started, healthy and serving: requests reach the replay server through it.
      await until(() => Promise.resolve(exited || server.requests.length >= 2), 180_000);
      const vllm = await pidMentioning(fake.argvFile);
      if (vllm === null) throw new Error("the fake vllm is not running");
      child.kill("SIGINT");
      const status = await child.status;
      const stderr = new TextDecoder().decode(
        (await new Response(child.stderr).arrayBuffer()) as ArrayBuffer,
      );
      assertEquals(status.code, 130, stderr);
      // Generous: the launcher waits a grace period before SIGKILL.
      const stopped = await until(async () => !(await alive(vllm)), 30_000);
      assertEquals(stopped, true, `vllm serve (pid ${vllm}) outlived skyeval: ${stderr}`);
    } finally {
      const left = await pidMentioning(fake.argvFile);
      if (left !== null) Deno.kill(left, "SIGKILL");
      await server.close();
      await fake.cleanup();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
