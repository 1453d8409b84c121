import { assertEquals, assertRejects } from "../support/assert.ts";
import { prepareSamples, type RowSource, streamSamples } from "../../core/prepare.ts";
import { hashValue } from "../../core/hash.ts";
import { DatasetError } from "../../datasets/errors.ts";
import { loadTask } from "../../tasks/registry.ts";
import { loadModelCatalog, resolveModelConfig } from "../../models/model_config.ts";

const ROWS = Array.from({ length: 12 }, (_, i) => ({ problem: `p${i}`, answer: `${i}` }));

/** Rows from memory, feeding their JSON Lines bytes; `edit` changes the n-th read. */
function rowSource(edit?: (read: number) => typeof ROWS): RowSource {
  let reads = 0;
  return {
    async *rows(feed) {
      const rows = edit?.(reads++) ?? ROWS;
      for (const row of rows) {
        feed?.(new TextEncoder().encode(JSON.stringify(row) + "\n"));
        yield await Promise.resolve(row);
      }
    },
  };
}

async function options(start: number, end: number) {
  const model = resolveModelConfig("Qwen/Qwen2.5-7B-Instruct", await loadModelCatalog());
  return { model, start, end, seed: 41, loadAuxiliary: () => Promise.resolve([]) };
}

Deno.test("streamSamples() prepares what prepareSamples() prepares, row by row", async () => {
  const task = await loadTask("math500");
  for (const [start, end] of [[0, -1], [3, 9], [5, 0], [11, 40]]) {
    const expected = await prepareSamples(task, ROWS, await options(start, end));
    const streamed = await streamSamples(task, rowSource(), await options(start, end));
    assertEquals(await Array.fromAsync(streamed.open()), expected);
    assertEquals([streamed.total, streamed.rows], [expected.length, ROWS.length]);
    assertEquals(streamed.promptSha256, await hashValue(expected.map((s) => s.messages)));
  }
});

Deno.test("a streamed dataset that changes between its reads stops the run", async () => {
  const task = await loadTask("math500");
  const changed = rowSource((read) =>
    read === 0 ? ROWS : ROWS.map((r, i) => (i === 11 ? { ...r, answer: "x" } : r))
  );
  const streamed = await streamSamples(task, changed, await options(0, -1));
  await assertRejects(() => Array.fromAsync(streamed.open()), DatasetError, "changed");
});

Deno.test("streamSamples() fails before the run on a row the task cannot use", async () => {
  const task = await loadTask("math500");
  const bad = rowSource(() => [...ROWS, { problem: "no answer column" } as (typeof ROWS)[0]]);
  const opts = await options(0, -1);
  await assertRejects(() => streamSamples(task, bad, opts), TypeError, "answer");
});
