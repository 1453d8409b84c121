import { assertEquals } from "../support/assert.ts";
import { writeRunFiles } from "../../core/run.ts";

const GOLDEN = new URL("../testdata/results_golden/", import.meta.url);

Deno.test("results.json streamed from the golden run log is byte-identical to the in-memory one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.copyFile(new URL("samples.jsonl", GOLDEN), `${dir}/samples.jsonl`);
    const summary = await writeRunFiles(dir, {
      configuration: {},
      n: 2,
      status: "scored",
      scoring: null,
      fingerprint: {},
      version: "test",
    });
    assertEquals(
      await Deno.readTextFile(`${dir}/results.json`),
      await Deno.readTextFile(new URL("results.json.golden", GOLDEN)),
    );
    assertEquals(summary.errored_ids, ["5"]);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "results.json",
      "samples.jsonl",
      "summary.json",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
