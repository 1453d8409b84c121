import { assertEquals, assertRejects } from "../support/assert.ts";
import { jsonObjectEntries } from "../../core/json_object_entries.ts";

async function entriesOf(text: string) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/f.json`, text);
    const bytes = await Deno.readFile(`${dir}/f.json`);
    return (await Array.fromAsync(jsonObjectEntries(`${dir}/f.json`))).map((e) => ({
      key: e.key,
      value: e.value,
      text: new TextDecoder().decode(bytes.subarray(e.offset, e.offset + e.length)),
    }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("jsonObjectEntries() streams each top-level entry with its text", async () => {
  const object = {
    "0": { s: 'a "quoted" } ] , brace', n: [1, [2, {}]], u: "数学 \\ \u00e9" },
    'k"ey': "plain",
    "2": 3.5,
    "3": null,
    "4": [],
  };
  for (const text of [JSON.stringify(object), JSON.stringify(object, null, 4) + "\n"]) {
    const entries = await entriesOf(text);
    assertEquals(entries.map((e) => [e.key, e.value]), Object.entries(object));
    for (const e of entries) assertEquals(JSON.parse(e.text), e.value);
  }
  assertEquals(await entriesOf(" {} "), []);
  // Longer than one read chunk.
  const big = { a: "x".repeat(3 << 20), b: 1 };
  assertEquals((await entriesOf(JSON.stringify(big))).map((e) => e.value), [big.a, 1]);
});

Deno.test("jsonObjectEntries() rejects what is not one JSON object", async () => {
  for (
    const text of ["[1, 2]", '{"a": 1', '{"a": 1} x', '{"a": 1,}', '{"a" 1}', '{"a": tru}', ""]
  ) {
    await assertRejects(() => entriesOf(text), SyntaxError);
  }
});
