import { assertEquals } from "../support/assert.ts";
import { readSamples, writeJson } from "../../core/run_dir.ts";
import { buildResults } from "../../core/results_file.ts";

const GOLDEN = new URL("../testdata/results_golden/", import.meta.url);

Deno.test("results.json of the golden run log is byte-identical to the recorded one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { records } = await readSamples(new URL("samples.jsonl", GOLDEN).pathname);
    await writeJson(`${dir}/results.json`, buildResults(records.values()));
    assertEquals(
      await Deno.readTextFile(`${dir}/results.json`),
      await Deno.readTextFile(new URL("results.json", GOLDEN)),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
