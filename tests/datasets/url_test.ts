import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { datasetSourceOf, loadDataset } from "../../datasets/mod.ts";
import { columnsOf, parquetBytes, toJsonl } from "../support/dataset_fixtures.ts";

const rows = [{ question: "1+1?", answer: "2" }, { question: "2+2?", answer: "4" }];
const jsonl = toJsonl(rows);
const parquet = parquetBytes(columnsOf(rows));

/** A plain static file server (like livemathbench.github.io) on 127.0.0.1. */
function startStaticServer() {
  const seen: { path: string; authorization: string | null }[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    seen.push({ path, authorization: request.headers.get("authorization") });
    const body: Record<string, string | Uint8Array> = {
      "/data/LiveAoPSBench-2024.jsonl": jsonl,
      "/data/rows.json": JSON.stringify(rows),
      "/download": jsonl,
      "/rows.parquet": parquet,
      "/bad.jsonl": '{"question": "ok"}\n{oops}\n',
    };
    if (!(path in body)) return new Response("not found", { status: 404 });
    return new Response(body[path] as BodyInit, { headers: { etag: '"abc123"' } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    close: () => server.shutdown(),
  };
}

Deno.test("loadDataset() reads JSONL, JSON and Parquet from URLs, by extension or by content", async () => {
  const server = startStaticServer();
  try {
    const url = `${server.url}/data/LiveAoPSBench-2024.jsonl`;
    const loaded = await loadDataset({ kind: "url", url }, { hubToken: "hf_secret" });
    assert.deepEqual(loaded.rows, rows);
    assert.equal(loaded.contentHash, createHash("sha256").update(jsonl).digest("hex"));
    assert.deepEqual(loaded.files, [url]);
    assert.match(
      loaded.origin,
      /^URL http:\/\/127\.0\.0\.1:\d+\/data\/LiveAoPSBench-2024\.jsonl \(jsonl, sha256 [0-9a-f]{64}\)$/,
    );
    assert.ok(
      server.seen.every((r) => r.authorization === null),
      "HF token sent to a non-Hub host",
    );

    assert.deepEqual(
      (await loadDataset({ kind: "url", url: `${server.url}/data/rows.json` })).rows,
      rows,
    );
    assert.deepEqual(
      (await loadDataset({ kind: "url", url: `${server.url}/download` })).rows,
      rows,
    );
    assert.deepEqual(
      (await loadDataset({ kind: "url", url: `${server.url}/rows.parquet` })).rows,
      rows,
    );
    await assert.rejects(
      () => loadDataset({ kind: "url", url: `${server.url}/missing.jsonl` }),
      { message: `Cannot load dataset "${server.url}/missing.jsonl": the server answered 404` },
    );
    await assert.rejects(
      () => loadDataset({ kind: "url", url: `${server.url}/bad.jsonl` }),
      (error: Error) =>
        error.message.startsWith(
          `Cannot load dataset "${server.url}/bad.jsonl": line 2 is not valid JSON (`,
        ),
    );
  } finally {
    await server.close();
  }
});

Deno.test("loadDataset() serves a URL dataset offline from the cache", async () => {
  const server = startStaticServer();
  const cacheDir = await Deno.makeTempDir({ prefix: "skyeval-url-cache-" });
  const url = `${server.url}/download`;
  try {
    const online = await loadDataset({ kind: "url", url }, { cacheDir });
    await server.close();
    const offline = await loadDataset({ kind: "url", url }, { cacheDir, offline: true });
    assert.deepEqual(offline, online);
    await assert.rejects(
      () => loadDataset({ kind: "url", url: `${url}?other` }, { cacheDir, offline: true }),
      /not in the cache \(offline mode: load it once online\)$/,
    );
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("datasetSourceOf() maps a task's dataset_path the way SkyThought does", () => {
  assert.deepEqual(datasetSourceOf("https://x.test/a.jsonl"), {
    kind: "url",
    url: "https://x.test/a.jsonl",
  });
  assert.deepEqual(datasetSourceOf("openai/gsm8k", { subset: "main", split: "test" }), {
    kind: "hub",
    repo: "openai/gsm8k",
    subset: "main",
    split: "test",
    revision: null,
  });
  assert.throws(
    () => datasetSourceOf("https://x.test/a.jsonl", { split: "test" }),
    /takes no subset or split/,
  );
  assert.throws(() => datasetSourceOf("openai/gsm8k"), /needs a split/);
});
