import assert from "node:assert/strict";
import { CASES } from "./linear_time_cases.ts";

/** Far above the milliseconds a linear pass takes, far below the minutes a quadratic one does. */
const BOUND_MS = 60_000;

function runBounded(name: string): Promise<unknown> {
  const worker = new Worker(new URL("./linear_time_cases.ts", import.meta.url), { type: "module" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Promise<unknown>((resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`"${name}" did not finish in ${BOUND_MS} ms`)),
      BOUND_MS,
    );
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message));
    };
    worker.postMessage(name);
  }).finally(() => {
    clearTimeout(timer);
    worker.terminate();
  });
}

const EXPECTED: Record<string, unknown> = {
  "a long run of digits then a letter (the APPS float regex)": false,
  "a long run of spaces inside a line (strip)": true,
  "a long run of zeros inside a number (LiveCodeBench decimals)": false,
  "a long opening fence line with a backtick at the end": null,
  "a long run of spaces inside a code block": "x = 1" + " ".repeat(1 << 20) + "#\n",
  "a deeply nested driver result": true,
  "a 48 MiB line in 16 KiB chunks": [48 * 1024 * 1024, 3],
};

for (const name of Object.keys(CASES)) {
  Deno.test(`output comparison, extraction and line reading stay linear: ${name}`, async () => {
    assert.deepEqual(await runBounded(name), EXPECTED[name]);
  });
}
