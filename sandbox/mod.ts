/**
 * Running untrusted Python: the `Sandbox` interface and its Pyodide
 * implementation (a pool of locked-down `deno` processes).
 *
 * Importing this module needs no permissions; creating a Pyodide sandbox
 * needs run (`deno`), read of the Pyodide package and write of the cache.
 *
 * @example
 * ```ts ignore
 * import { createPyodideSandbox } from "./sandbox/mod.ts";
 * await using sandbox = await createPyodideSandbox();
 * const r = await sandbox.run({ code: "print(sum(map(int, input().split())))", stdin: "1 2", timeLimitMs: 1000 });
 * ```
 *
 * @module
 */

export * from "./sandbox.ts";
export {
  createPyodideSandbox,
  type PyodideSandbox,
  type PyodideSandboxOptions,
} from "./pyodide_pool.ts";
export { preparePyodideAssets, type PyodideAssets } from "./pyodide_assets.ts";
export { capWasmMemory, wasmMemoryLimits } from "./wasm_memory_cap.ts";
export {
  calibrateSpeedFactor,
  CALIBRATION_PROGRAM,
  DEFAULT_SPEED_FACTOR,
  type SpeedCalibration,
} from "./calibrate.ts";
