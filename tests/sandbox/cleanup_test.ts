import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";

const holder = fromFileUrl(new URL("./pool_holder.ts", import.meta.url));

async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return !/^\d+ \([^)]*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function startHolder(): Promise<{ child: Deno.ChildProcess; pids: number[] }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", holder],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  return { child, pids: JSON.parse(text) };
}

async function waitGone(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 50; i++) {
    const left = [];
    for (const pid of pids) if (await alive(pid)) left.push(pid);
    if (left.length === 0) return [];
    await new Promise((r) => setTimeout(r, 100));
  }
  return pids;
}

for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
  Deno.test(`createPyodideSandbox() leaves no sandbox process when its parent gets ${signal}`, async () => {
    const { child, pids } = await startHolder();
    assert.equal(pids.length, 2);
    for (const pid of pids) assert.ok(await alive(pid));
    await new Promise((r) => setTimeout(r, 300));
    child.kill(signal);
    await child.status;
    assert.deepEqual(await waitGone(pids), [], `left behind after ${signal}`);
  });
}
