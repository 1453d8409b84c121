import assert from "node:assert/strict";
import { createPyodideSandbox } from "../../sandbox/pyodide_pool.ts";
import { capWasmMemory, wasmMemoryLimits } from "../../sandbox/wasm_memory_cap.ts";
import { registerSandboxConformance } from "./sandbox_conformance.ts";

let pids: number[] = [];

registerSandboxConformance("pyodide", async () => {
  const sandbox = await createPyodideSandbox({ workers: 2 });
  pids = sandbox.pids();
  return sandbox;
});

Deno.test("createPyodideSandbox() leaves no process behind after close()", async () => {
  assert.equal(pids.length, 2);
  for (const pid of pids) {
    const alive = await Deno.stat(`/proc/${pid}`).then(() => true, () => false);
    assert.equal(alive, false, `sandbox process ${pid} is still alive`);
  }
});

Deno.test("capWasmMemory() rewrites the memory maximum and keeps the module valid", () => {
  // (module (memory 1 2))
  const module = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 4, 1, 1, 1, 2]);
  assert.deepEqual(wasmMemoryLimits(module), [1, 2]);
  const capped = capWasmMemory(module, 300);
  assert.deepEqual(wasmMemoryLimits(capped), [1, 300]);
  assert.ok(WebAssembly.validate(capped));
  const unbounded = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1]);
  assert.deepEqual(wasmMemoryLimits(capWasmMemory(unbounded, 16384)), [1, 16384]);
  assert.throws(() => capWasmMemory(module, 0), RangeError);
  assert.throws(() => capWasmMemory(new Uint8Array([1, 2, 3, 4]), 10), TypeError);
});
