/**
 * Datasets bigger than the V8 heap stream: 80,000 rows of 1 kB text (about
 * 80 MB of strings) in Parquet (a row group at a time) and in CSV (two
 * passes) are counted by `streamLocalFile` with the heap capped at 48 MB,
 * where loading the file whole runs out of memory.
 */
import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { parquetBytes } from "../support/dataset_fixtures.ts";

const ROWS = 80_000;
const HEAP_MB = 48;

/** Runs `code` in a child Deno with the heap capped; its exit code and stderr. */
async function capped(code: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", `--v8-flags=--max-old-space-size=${HEAP_MB}`, code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** The dataset file in each format; the streamed count must fit, the whole load must not. */
const FILES: Record<string, (problems: string[]) => Uint8Array | string> = {
  parquet: (problems) =>
    parquetBytes({ problem: problems, answer: problems.map((_, i) => String(i)) }, {
      rowGroupSize: 2000,
    }),
  csv: (problems) => "problem,answer\n" + problems.map((p, i) => `"${p}",${i}`).join("\n") + "\n",
};

for (const [format, write] of Object.entries(FILES)) {
  Deno.test({
    name: `a ${format} file of ${ROWS} 1 kB rows streams in a ${HEAP_MB} MB heap`,
    sanitizeResources: false,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "skyeval-dataset-stream-" });
      try {
        const path = `${dir}/big.${format}`;
        const content = write(Array.from({ length: ROWS }, (_, i) => `${i}:${"x".repeat(1000)}`));
        if (typeof content === "string") await Deno.writeTextFile(path, content);
        else await Deno.writeFile(path, content);
        const datasets = new URL("../../datasets/mod.ts", import.meta.url).href;
        const streamed = await capped(`
          import { streamLocalFile } from "${datasets}";
          let rows = 0, chars = 0;
          for await (const row of streamLocalFile("${path}").rows()) {
            rows++;
            chars += row.problem.length;
          }
          console.log(rows, chars);
        `);
        assertEquals(streamed.code, 0, streamed.stderr.slice(-2000));
        assertEquals(streamed.stdout.trim(), `${ROWS} ${ROWS * 1001 + 388_890}`);
        const whole = await capped(`
          import { loadDataset } from "${datasets}";
          const { rows } = await loadDataset({ kind: "file", path: "${path}" });
          console.log(rows.length);
        `);
        assert.notEqual(
          whole.code,
          0,
          "the whole file fitted in the heap: the test proves nothing",
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
