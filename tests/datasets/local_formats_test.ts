import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { DatasetError, loadDataset, streamLocalFile } from "../../datasets/mod.ts";
import { parseCsvRecords, parseCsvRows } from "../../datasets/csv.ts";
import { arrowBytes, parquetBytes, toJsonl } from "../support/dataset_fixtures.ts";
import { testdataJsonl } from "../support/testdata.ts";

async function withFile(
  name: string,
  content: string | Uint8Array,
  fn: (path: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "skyeval-datasets-" });
  const path = `${dir}/${name}`;
  if (typeof content === "string") await Deno.writeTextFile(path, content);
  else await Deno.writeFile(path, content);
  try {
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

Deno.test("loadDataset() reads a JSONL file, skipping blank lines, with the file's sha256", async () => {
  const text = '{"q":"a","n":1}\n\n  \n{"q":"b","n":2}\r\n{"q":"c","n":3}';
  await withFile("rows.jsonl", text, async (path) => {
    const loaded = await loadDataset({ kind: "file", path });
    assert.deepEqual(loaded.rows, [{ q: "a", n: 1 }, { q: "b", n: 2 }, { q: "c", n: 3 }]);
    assert.equal(loaded.contentHash, sha256(text));
    assert.deepEqual(loaded.files, [path]);
    assert.match(loaded.origin, /^local file \//);
  });
});

Deno.test("loadDataset() names the file and line of a bad JSONL line", async () => {
  await withFile("bad.jsonl", '{"q":1}\n\n{"q":2\n', async (path) => {
    await assert.rejects(
      () => loadDataset({ kind: "file", path }),
      (error: Error) => {
        assert.ok(error instanceof DatasetError);
        assert.match(
          error.message,
          new RegExp(`^Cannot read dataset "${path}": line 3 is not valid JSON`),
        );
        assert.ok(!error.message.includes("\n"));
        return true;
      },
    );
  });
  await withFile("array_line.jsonl", '{"q":1}\n[1,2]\n', async (path) => {
    await assert.rejects(() => loadDataset({ kind: "file", path }), /line 2 is not a JSON object/);
  });
});

Deno.test("loadDataset() reads JSON as an array, {data: [...]}, a chosen field, or columns", async () => {
  await withFile("a.json", '[{"x":1},{"x":2}]', async (path) => {
    assert.deepEqual((await loadDataset({ kind: "file", path })).rows, [{ x: 1 }, { x: 2 }]);
  });
  await withFile("b.json", '{"version":"1","data":[{"x":1}]}', async (path) => {
    assert.deepEqual((await loadDataset({ kind: "file", path })).rows, [{ x: 1 }]);
  });
  const splits = '{"train":[{"x":1}],"test":[{"x":2},{"x":3}]}';
  await withFile("c.json", splits, async (path) => {
    await assert.rejects(
      () => loadDataset({ kind: "file", path }),
      /several lists of rows \("train", "test"\)/,
    );
    const test = await loadDataset({ kind: "file", path, field: "test" });
    assert.deepEqual(test.rows, [{ x: 2 }, { x: 3 }]);
  });
  await withFile("d.json", '{"x":[1,2],"y":["a","b"]}', async (path) => {
    assert.deepEqual((await loadDataset({ kind: "file", path })).rows, [{ x: 1, y: "a" }, {
      x: 2,
      y: "b",
    }]);
  });
  await withFile("e.json", '{"x":1}\n{"x":2}\n', async (path) => {
    assert.deepEqual((await loadDataset({ kind: "file", path })).rows, [{ x: 1 }, { x: 2 }]);
  });
  await withFile("f.json", '[{"x":1},', async (path) => {
    await assert.rejects(
      () => loadDataset({ kind: "file", path }),
      /^DatasetError: Cannot read dataset ".*f\.json": not valid JSON/,
    );
  });
});

Deno.test("loadDataset() reads Parquet with BigInt, dates, lists and structs as plain JSON", async () => {
  const bytes = parquetBytes({
    id: [1n, 2n ** 60n],
    when: [new Date(Date.UTC(2024, 1, 3)), new Date(0)],
    tags: [["a", "b"], []],
    meta: [{ level: 5, ok: true }, { level: 1, ok: false }],
    score: [0.5, null],
  }, { codec: "ZSTD" });
  await withFile("t.parquet", bytes, async (path) => {
    const loaded = await loadDataset({ kind: "file", path });
    assert.deepEqual(loaded.rows, [
      {
        id: 1,
        when: "2024-02-03T00:00:00.000Z",
        tags: ["a", "b"],
        meta: { level: 5, ok: true },
        score: 0.5,
      },
      {
        id: "1152921504606846976",
        when: "1970-01-01T00:00:00.000Z",
        tags: [],
        meta: { level: 1, ok: false },
        score: null,
      },
    ]);
    assert.equal(loaded.contentHash, sha256(bytes));
    JSON.stringify(loaded.rows);
  });
  await withFile("broken.parquet", bytes.slice(0, bytes.length - 9), async (path) => {
    await assert.rejects(() => loadDataset({ kind: "file", path }), /not a Parquet file/);
  });
});

Deno.test("streamLocalFile() reads Parquet a row group at a time: the rows and hash loadDataset() gives", async () => {
  const ids = Array.from({ length: 2500 }, (_, i) => i);
  const bytes = parquetBytes({
    id: ids.map(BigInt),
    problem: ids.map((i) => `What is ${i} + ${i}?`),
    meta: ids.map((i) => ({ level: i % 5, tags: i % 2 ? ["odd"] : [] })),
  }, { rowGroupSize: 1000 });
  await withFile("t.parquet", bytes, async (path) => {
    const loaded = await loadDataset({ kind: "file", path });
    const streamed = streamLocalFile(path)!;
    const hash = createHash("sha256");
    const rows = await Array.fromAsync(streamed.rows((chunk) => hash.update(chunk)));
    assert.equal(rows.length, 2500);
    assert.deepEqual(rows, loaded.rows);
    assert.equal(hash.digest("hex"), loaded.contentHash);
    assert.deepEqual(rows[2499], {
      id: 2499,
      problem: "What is 2499 + 2499?",
      meta: { level: 4, tags: ["odd"] },
    });
  });
  for (
    const [name, broken] of [["cut", bytes.slice(0, bytes.length - 9)], ["torn", bytes.slice(0, 8)]]
  ) {
    await withFile(`${name}.parquet`, broken as Uint8Array, async (path) => {
      await assert.rejects(
        () => Array.fromAsync(streamLocalFile(path)!.rows()),
        (error: Error) =>
          error instanceof DatasetError &&
          error.message.startsWith(`Cannot read dataset "${path}"`) &&
          /not a Parquet file/.test(error.message),
      );
    });
  }
  const corrupt = bytes.slice();
  corrupt.fill(7, 100, 400);
  await withFile("corrupt.parquet", corrupt, async (path) => {
    await assert.rejects(() => Array.fromAsync(streamLocalFile(path)!.rows()), DatasetError);
  });
});

Deno.test("loadDataset() reads an Arrow IPC file as datasets saves it", async () => {
  const bytes = arrowBytes({ question: ["a", null], n: [1, 2], tags: [["x"], []] });
  await withFile("data-00000-of-00001.arrow", bytes, async (path) => {
    const loaded = await loadDataset({ kind: "file", path });
    assert.deepEqual(loaded.rows, [{ question: "a", n: 1, tags: ["x"] }, {
      question: null,
      n: 2,
      tags: [],
    }]);
    assert.equal(loaded.contentHash, sha256(bytes));
  });
  await withFile("bad.arrow", "not arrow", async (path) => {
    await assert.rejects(() => loadDataset({ kind: "file", path }), /: not an Arrow IPC file$/);
  });
});

Deno.test("parseCsvRecords() handles quotes, escaped quotes, newlines in quotes, CRLF and BOM", () => {
  const text = '\ufeffa,b,c\r\n"x, y","say ""hi""","line1\nline2"\r\n,"",plain\n';
  assert.deepEqual(parseCsvRecords(text), [
    ["a", "b", "c"],
    ["x, y", 'say "hi"', "line1\nline2"],
    ["", "", "plain"],
  ]);
  assert.deepEqual(parseCsvRecords("a,b\n1,2"), [["a", "b"], ["1", "2"]]);
  assert.throws(
    () => parseCsvRecords('a\n"open\n'),
    /unterminated quoted field starting on line 2/,
  );
  assert.throws(
    () => parseCsvRecords('a\nx"y\n'),
    /unexpected quote inside an unquoted field on line 2/,
  );
  assert.throws(() => parseCsvRecords('a\n"x"y\n'), /after a closing quote on line 2/);
});

Deno.test("parseCsvRows() types numeric columns like pandas and maps empty cells to null", () => {
  const rows = parseCsvRows("id,score,name,code\n1,0.5,Ann,007\n2,,Bob,x\n3,1e3,,12\n");
  assert.deepEqual(rows, [
    { id: 1, score: 0.5, name: "Ann", code: "007" },
    { id: 2, score: null, name: "Bob", code: "x" },
    { id: 3, score: 1000, name: null, code: "12" },
  ]);
  assert.throws(() => parseCsvRows("a,b\n1,2,3\n"), /record 1 has 3 fields but the header has 2/);
  assert.throws(() => parseCsvRows(""), /no header row/);
});

Deno.test("loadDataset() reads CSV files and reports malformed ones", async () => {
  const csv = 'Question,Correct Answer\n"What is 2+2?\nExplain.","4"\n"Say ""yes""",yes\n';
  await withFile("gpqa.csv", csv, async (path) => {
    const loaded = await loadDataset({ kind: "file", path });
    assert.deepEqual(loaded.rows, [
      { Question: "What is 2+2?\nExplain.", "Correct Answer": "4" },
      { Question: 'Say "yes"', "Correct Answer": "yes" },
    ]);
    assert.equal(loaded.contentHash, sha256(csv));
  });
  await withFile("bad.csv", 'a,b\n"1,2\n', async (path) => {
    await assert.rejects(
      () => loadDataset({ kind: "file", path }),
      /: unterminated quoted field starting on line 2$/,
    );
  });
});

Deno.test("loadDataset() gives one clear line for missing, unsupported, empty or unreadable files", async () => {
  await assert.rejects(
    () => loadDataset({ kind: "file", path: "/nonexistent/x.jsonl" }),
    {
      name: "DatasetError",
      message: 'Cannot read dataset "/nonexistent/x.jsonl": file does not exist',
    },
  );
  await assert.rejects(
    () => loadDataset({ kind: "file", path: "notes.txt" }),
    {
      message:
        'Cannot read dataset "notes.txt": unsupported file type ".txt" (use .jsonl, .json, .parquet, .csv or .arrow)',
    },
  );
  await withFile("empty.jsonl", "\n\n", async (path) => {
    await assert.rejects(() => loadDataset({ kind: "file", path }), /the file has no rows$/);
  });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/d.jsonl`);
    await assert.rejects(
      () => loadDataset({ kind: "file", path: `${dir}/d.jsonl` }),
      /it is a directory, not a file$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "loadDataset() reports a missing read permission as a DatasetError",
  permissions: { read: false },
  async fn() {
    await assert.rejects(
      () => loadDataset({ kind: "file", path: "/tmp/whatever.jsonl" }),
      {
        message:
          'Cannot read dataset "/tmp/whatever.jsonl": no read permission (run with --allow-read)',
      },
    );
  },
});

Deno.test({
  name: "loadDataset() round-trips real benchmark rows through JSONL and Parquet",
  async fn() {
    const rows = testdataJsonl("benchmarks/aime24.jsonl.gz", 5);
    await withFile("aime.jsonl", toJsonl(rows), async (path) => {
      assert.deepEqual((await loadDataset({ kind: "file", path })).rows, rows);
    });
    const columns: Record<string, unknown[]> = {};
    for (const key of Object.keys(rows[0])) columns[key] = rows.map((r) => r[key]);
    await withFile("aime.parquet", parquetBytes(columns), async (path) => {
      assert.deepEqual((await loadDataset({ kind: "file", path })).rows, rows);
    });
  },
});
