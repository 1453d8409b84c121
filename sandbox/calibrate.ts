/**
 * How much slower a sandbox runs Python than the host's native `python3`, so
 * a benchmark's time limit (set for native CPython) means the same here.
 * Measured once with a fixed CPU-bound program timed inside the interpreter
 * (startup excluded), and cached in a JSON file.
 *
 * Permissions: run (the native interpreter), read/write of the cache file.
 *
 * @module
 */

import { runBatch, type Sandbox } from "./sandbox.ts";

/** The factor used when there is no native `python3` to compare with (measured: 2.7). */
export const DEFAULT_SPEED_FACTOR = 3;

/** The reference program: loops, dict and list work, a sort; prints its own run time in ms. */
export const CALIBRATION_PROGRAM = `import time
t = time.perf_counter()
d = {}
s = 0
for i in range(200000):
    s += i * i % 7
    d[i % 1000] = d.get(i % 1000, 0) + 1
a = sorted((i * 7919) % 100003 for i in range(100000))
b = "".join(str(x % 10) for x in a[:50000])
print((time.perf_counter() - t) * 1000)
`;

/** Bumped when the program or the method changes, so stale cached factors are not reused. */
const CALIBRATION_VERSION = "v2";

/** A measured (or assumed) speed factor. */
export interface SpeedCalibration {
  /** Sandbox time / native time, at least 1. */
  factor: number;
  sandboxMs: number;
  nativeMs: number | null;
  /** The native interpreter compared with, or null when none ran. */
  python: string | null;
}

async function nativeMs(python: string): Promise<number | null> {
  try {
    const output = await new Deno.Command(python, {
      args: ["-c", CALIBRATION_PROGRAM],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!output.success) return null;
    const ms = Number(new TextDecoder().decode(output.stdout).trim());
    return Number.isFinite(ms) && ms > 0 ? ms : null;
  } catch {
    return null;
  }
}

/**
 * Measure the sandbox against `python` (best of `rounds` each). With
 * `cacheFile`, a cached result for the same `key` is returned instead, and a
 * new one is written there.
 */
export async function calibrateSpeedFactor(
  sandbox: Sandbox,
  options: { python?: string; rounds?: number; cacheFile?: string; key?: string } = {},
): Promise<SpeedCalibration> {
  const python = options.python ?? "/usr/bin/python3";
  const key = `${CALIBRATION_VERSION}|${options.key ?? sandbox.name}|${python}`;
  if (options.cacheFile) {
    try {
      const cached = JSON.parse(await Deno.readTextFile(options.cacheFile));
      if (cached?.key === key && cached.factor >= 1) return cached.calibration;
    } catch {
      // No usable cache.
    }
  }
  const rounds = options.rounds ?? 5;
  // Interleave the two sides so that both see the same machine load; keep the best of each.
  const sandboxTimes: number[] = [];
  const nativeTimes: number[] = [];
  let nativeWorks = true;
  for (let i = 0; i < rounds; i++) {
    const [result] = await runBatch(sandbox, {
      code: CALIBRATION_PROGRAM,
      inputs: [""],
      timeLimitMs: 60_000,
    });
    const ms = Number(result?.stdout.trim());
    if (!(ms > 0)) {
      throw new Error(
        `Cannot calibrate the sandbox: the reference program failed (${result?.status})`,
      );
    }
    sandboxTimes.push(ms);
    if (nativeWorks) {
      const native = await nativeMs(python);
      if (native === null) nativeWorks = false;
      else nativeTimes.push(native);
    }
  }
  const sandboxMs = Math.min(...sandboxTimes);
  const native = nativeTimes.length ? Math.min(...nativeTimes) : null;
  const calibration: SpeedCalibration = {
    factor: native === null ? DEFAULT_SPEED_FACTOR : Math.max(1, round2(sandboxMs / native)),
    sandboxMs: round2(sandboxMs),
    nativeMs: native === null ? null : round2(native),
    python: native === null ? null : python,
  };
  if (options.cacheFile && native !== null) {
    await Deno.writeTextFile(
      options.cacheFile,
      JSON.stringify({ key, factor: calibration.factor, calibration }, null, 2),
    ).catch(() => {});
  }
  return calibration;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
