import fc from "fast-check";
import { assertEquals, assertRejects } from "../support/assert.ts";
import { RunDirError } from "../../core/run_dir.ts";
import { resultsOrder, SampleLogIndex } from "../../core/sample_log_index.ts";
import { hashValue } from "../../core/hash.ts";
import { ListHasher } from "../../core/sample_stream.ts";

function line(id: string, content: string): string {
  return JSON.stringify({
    id,
    row: { _index: id },
    messages: [{ role: "user", content: `q${id}` }],
    prompt_tokens: 1,
    responses: [{
      content,
      finish_reason: "stop",
      completion_tokens: 1,
      correctness: null,
      reason: "",
    }],
    scored: false,
  });
}

Deno.test("resultsOrder() lists ids as JSON.stringify lists an object's keys", () => {
  const key = fc.oneof(
    fc.nat({ max: 5000 }).map(String),
    fc.constantFrom("007", "-1", "1.5", "4294967294", "4294967295", "a", "b", "10a", ""),
  );
  fc.assert(fc.property(fc.uniqueArray(key), (ids) => {
    const object: Record<string, number> = {};
    for (const id of ids) object[id] = 1;
    assertEquals(resultsOrder(ids), Object.keys(object));
  }));
});

Deno.test("SampleLogIndex reads the latest records back in any order, across long lines", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/samples.jsonl`;
    // Lines longer than the read chunk, escaped ids, blank lines and superseded lines.
    const ids = Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? `x"${i}` : String(i)));
    const text = (id: string, i: number) => `${id}:`.repeat(i % 97 === 0 ? 400_000 : 3);
    const lines = ids.map((id, i) => line(id, text(id, i)));
    lines.push("", line("3", "rewritten"), "   ");
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const index = await SampleLogIndex.build(path);
    assertEquals(index.size, 300);
    const shuffled = [...ids].sort(() => Math.random() - 0.5);
    const reader = await index.reader();
    try {
      for (const id of shuffled) {
        const expected = id === "3" ? "rewritten" : text(id, ids.indexOf(id));
        assertEquals(reader.read(id)?.responses[0].content, expected);
      }
      assertEquals(reader.read("missing"), undefined);
    } finally {
      reader.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SampleLogIndex lists and finds any mix of ids, in results.json order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/samples.jsonl`;
    const id = fc.oneof(
      fc.nat({ max: 300 }).map(String),
      fc.constantFrom("70000", "100000", "4294967294", "4294967295", "007", "-1", "1.5", "a", ""),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(id, { maxLength: 60 }), async (ids) => {
        const lines = ids.map((id, i) => line(id, `v${i}`));
        await Deno.writeTextFile(path, lines.join("\n") + "\n");
        const index = await SampleLogIndex.build(path);
        const latest = new Map(ids.map((id, i) => [id, `v${i}`]));
        assertEquals([...index.ids()], resultsOrder([...latest.keys()]));
        assertEquals(index.size, latest.size);
        const reader = await index.reader();
        try {
          for (const [id, content] of latest) {
            assertEquals(index.has(id), true);
            assertEquals(reader.read(id)?.responses[0].content, content);
          }
          assertEquals(index.has("12345"), latest.has("12345"));
        } finally {
          reader.close();
        }
      }),
      { numRuns: 60 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SampleLogIndex finds an integer id seen before its neighbours filled the table", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/samples.jsonl`;
    // 100000 comes first, too far ahead to be tabled; 0..99999 then widen the table past it.
    const ids = ["100000", ...Array.from({ length: 100_000 }, (_, i) => String(i)), "100000"];
    await Deno.writeTextFile(path, ids.map((id, i) => line(id, `v${i}`)).join("\n") + "\n");
    const index = await SampleLogIndex.build(path);
    assertEquals(index.size, 100_001);
    const order = [...index.ids()];
    assertEquals(order.length, 100_001);
    assertEquals(order.slice(-3), ["99998", "99999", "100000"]);
    const [last] = await Array.fromAsync(index.records(["100000"]));
    assertEquals(last.responses[0].content, "v100001");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SampleLogIndex names the line of a record that fails its schema", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/samples.jsonl`;
    await Deno.writeTextFile(path, line("0", "a") + '\n{"id":"1","row":{}}\n');
    const index = await SampleLogIndex.build(path);
    await assertRejects(() => Array.fromAsync(index.records()), RunDirError, "line 2");
    await Deno.writeTextFile(path, '{"no_id": 1}\n');
    await assertRejects(() => SampleLogIndex.build(path), RunDirError, "line 1");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ListHasher gives hashValue() of the whole list", async () => {
  const lists = [[], [[{ role: "user", content: "x" }]], [
    { b: 1, a: [2, { d: 3, c: 4 }] },
    "s",
    5,
  ]];
  for (const list of lists) {
    const hasher = new ListHasher();
    for (const value of list) hasher.add(value);
    assertEquals(hasher.hex(), await hashValue(list));
  }
});
