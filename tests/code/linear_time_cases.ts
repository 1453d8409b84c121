/**
 * Inputs a program or a model can produce within the caps, each of which took
 * minutes when a regex backtracked or a reader re-joined a long line per
 * chunk. Run in a worker by `linear_time_test.ts`, so that a quadratic case
 * fails by a generous bound instead of hanging the suite.
 *
 * @module
 */

import { appsStdinMatches, lcbStdinMatches, parsePyValue } from "../../scoring/code/compare.ts";
import { extractCode } from "../../scoring/code/extract.ts";
import { textLines } from "../../core/text_lines.ts";

const MB = 1 << 20;

/** One case: runs and returns a value the test checks. */
export const CASES: Record<string, () => Promise<unknown> | unknown> = {
  "a long run of digits then a letter (the APPS float regex)": () =>
    appsStdinMatches("1".repeat(MB) + "x", "1"),
  "a long run of spaces inside a line (strip)": () =>
    appsStdinMatches("a" + " ".repeat(MB) + "b\n", "a b"),
  "a long run of zeros inside a number (LiveCodeBench decimals)": () =>
    lcbStdinMatches("1" + "0".repeat(MB) + "1", "2"),
  "a long opening fence line with a backtick at the end": () =>
    extractCode("```python" + " a".repeat(MB / 2) + "`\nprint(1)\n"),
  "a long run of spaces inside a code block": () =>
    extractCode("```python\nx = 1" + " ".repeat(MB) + "#\n```"),
  "a deeply nested driver result": () =>
    parsePyValue("[".repeat(MB) + "]".repeat(MB)) === undefined,
  "a 48 MiB line in 16 KiB chunks": async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let left = 48 * 64;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (left-- > 0) controller.enqueue(chunk);
        else {
          controller.enqueue(new TextEncoder().encode("\nend"));
          controller.close();
        }
      },
    });
    const lengths: number[] = [];
    for await (const line of textLines(stream)) lengths.push(line.length);
    return lengths;
  },
};

if ("WorkerGlobalScope" in globalThis) {
  const scope = globalThis as unknown as Worker;
  scope.onmessage = async (event: MessageEvent<string>) => {
    scope.postMessage(await CASES[event.data]());
  };
}
