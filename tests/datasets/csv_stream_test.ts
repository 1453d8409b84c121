import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { CsvRecordReader, parseCsvRecords } from "../../datasets/csv.ts";
import { loadDataset, streamLocalFile } from "../../datasets/mod.ts";

/** Records of `text` given to a reader in pieces cut at `cuts`; the error message if it throws. */
function inPieces(text: string, cuts: number[]): string[][] | string {
  const reader = new CsvRecordReader();
  const records: string[][] = [];
  let from = 0;
  try {
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      records.push(...reader.push(text.slice(from, cut)));
      from = Math.max(from, cut);
    }
    records.push(...reader.push(text.slice(from)), ...reader.finish());
    return records;
  } catch (error) {
    return (error as Error).message;
  }
}

function whole(text: string): string[][] | string {
  try {
    return parseCsvRecords(text);
  } catch (error) {
    return (error as Error).message;
  }
}

Deno.test("CsvRecordReader gives the same records (or error) wherever the text is cut", () => {
  const piece = fc.constantFrom("a", "1", ",", '"', '""', "\n", "\r\n", "\r", "\ufeff", " ", "x,y");
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 40 }),
      fc.array(fc.nat({ max: 60 })),
      (parts, cuts) => {
        const text = parts.join("");
        assert.deepEqual(inPieces(text, cuts), whole(text));
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("streamLocalFile() reads CSV in two passes: the rows and hash loadDataset() gives", async () => {
  const dir = await Deno.makeTempDir({ prefix: "skyeval-csv-stream-" });
  try {
    const path = `${dir}/rows.csv`;
    // Quoted fields with line breaks and doubled quotes across the 64 kB read chunks,
    // a numeric column, a column numeric until its last row, blank lines, CRLF.
    const lines = ["\ufeffid,problem,score,late"];
    for (let i = 0; i < 4000; i++) {
      const problem = `"Problem ${i}: say ""${"hi ".repeat(i % 37)}""\nthen, stop."`;
      lines.push(`${i},${problem},${i % 7 ? i / 4 : ""},${i === 3999 ? "n/a" : i}`);
      if (i % 500 === 0) lines.push("");
    }
    const text = lines.join("\r\n") + "\r\n";
    await Deno.writeTextFile(path, text);
    const loaded = await loadDataset({ kind: "file", path });
    const hash = createHash("sha256");
    const rows = await Array.fromAsync(streamLocalFile(path)!.rows((c) => hash.update(c)));
    assert.equal(rows.length, 4000);
    assert.deepEqual(rows, loaded.rows);
    assert.equal(hash.digest("hex"), loaded.contentHash);
    assert.deepEqual(rows[5], {
      id: 5,
      problem: `Problem 5: say "${"hi ".repeat(5)}"\nthen, stop.`,
      score: 1.25,
      late: "5",
    });
    assert.equal(rows[7].score, null);
    await Deno.writeTextFile(path, 'a,b\n1,2\n3,"4\n');
    await assert.rejects(
      () => Array.fromAsync(streamLocalFile(path)!.rows()),
      new RegExp(
        `^DatasetError: Cannot read dataset "${path}": unterminated quoted field starting on line 3`,
      ),
    );
    await Deno.writeTextFile(path, "a,b\n1,2,3\n");
    await assert.rejects(
      () => Array.fromAsync(streamLocalFile(path)!.rows()),
      /record 1 has 3 fields but the header has 2/,
    );
    await Deno.writeTextFile(path, "");
    await assert.rejects(() => Array.fromAsync(streamLocalFile(path)!.rows()), /no header row/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
