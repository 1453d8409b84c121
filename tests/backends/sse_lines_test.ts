import assert from "node:assert/strict";
import fc from "fast-check";
import { type SseEvent, SseLines } from "../../backends/sse_lines.ts";

function readAll(pieces: string[]): SseEvent[] {
  const lines = new SseLines();
  return [...pieces.flatMap((piece) => lines.push(piece)), ...lines.end()];
}

const STREAM = 'data: {"a":1}\n\n' +
  ": a comment\n" +
  "event: error\ndata: first\ndata:second\n\n" +
  "id: 7\nretry: 10\ndata: [DONE]\n\n";

const EXPECTED: SseEvent[] = [
  { event: "message", data: '{"a":1}' },
  { event: "error", data: "first\nsecond" },
  { event: "message", data: "[DONE]" },
];

Deno.test("SseLines reads events, joins data lines and drops comments and other fields", () => {
  assert.deepEqual(readAll([STREAM]), EXPECTED);
});

Deno.test("SseLines reads \\r\\n and \\r line ends like \\n", () => {
  assert.deepEqual(readAll([STREAM.replaceAll("\n", "\r\n")]), EXPECTED);
  assert.deepEqual(readAll([STREAM.replaceAll("\n", "\r")]), EXPECTED);
});

Deno.test("SseLines gives the same events however the text is cut", () => {
  for (const ending of ["\n", "\r\n", "\r"]) {
    const text = STREAM.replaceAll("\n", ending);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 })), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), text.length];
        const pieces = at.slice(1).map((end, i) => text.slice(at[i], end));
        assert.deepEqual(readAll(pieces), EXPECTED);
      }),
    );
  }
});

Deno.test("SseLines ends an event the stream left open", () => {
  assert.deepEqual(readAll(['data: {"cut":true}']), [{ event: "message", data: '{"cut":true}' }]);
  assert.deepEqual(readAll(["data: x\n", "\n", ""]), [{ event: "message", data: "x" }]);
  assert.deepEqual(readAll([""]), []);
});
