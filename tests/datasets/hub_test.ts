import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { DatasetError, loadDataset, type LoadOptions } from "../../datasets/mod.ts";
import { fakeSha, type HubServerOptions, startHubServer } from "../support/hub_server.ts";
import { columnsOf, parquetBytes, toJsonl } from "../support/dataset_fixtures.ts";
import { testdataJsonl } from "../support/testdata.ts";

const TOKEN = "hf_test_token";

/** The first real GSM8K or MATH-500 rows, as question and answer. */
function sampleRows(file: string, count: number): Record<string, unknown>[] {
  return testdataJsonl(`benchmarks/${file}.gz`, count).map((r) => ({
    question: String(r.question ?? r.problem),
    answer: String(r.answer),
  }));
}

function sha256(...parts: (string | Uint8Array)[]): string {
  const hash = createHash("sha256");
  for (const p of parts) hash.update(p);
  return hash.digest("hex");
}

const gsm = sampleRows("gsm8k_test.jsonl", 7);
const shard0 = parquetBytes(columnsOf(gsm.slice(0, 3)));
const shard1 = parquetBytes(columnsOf(gsm.slice(3, 5)));
const socratic = parquetBytes(columnsOf(gsm.slice(5, 7)));
const trainShard = parquetBytes(columnsOf([{ question: "train q", answer: "1" }]));
const MAIN = fakeSha("gsm main");
const OLD = fakeSha("gsm old");
const math = sampleRows("math500.jsonl", 4);
const mathText = toJsonl(math);
const MATH_MAIN = fakeSha("math main");

function fixtures(): HubServerOptions["datasets"] {
  const configs = {
    configs: [
      {
        config_name: "main",
        data_files: [{ split: "train", path: "main/train-*" }, {
          split: "test",
          path: "main/test-*",
        }],
      },
      { config_name: "socratic", data_files: [{ split: "test", path: "socratic/test-*" }] },
    ],
  };
  return {
    "org/gsm": {
      refs: { main: MAIN, v0: OLD },
      commits: {
        [MAIN]: {
          cardData: configs,
          files: {
            "README.md": "---\nconfigs: see cardData\n---\n",
            "main/test-00001-of-00002.parquet": shard1,
            "main/test-00000-of-00002.parquet": shard0,
            "main/train-00000-of-00001.parquet": trainShard,
            "socratic/test-00000-of-00001.parquet": socratic,
          },
        },
        [OLD]: { cardData: configs, files: { "main/test-00000-of-00001.parquet": shard0 } },
      },
    },
    "math/MATH500": {
      refs: { main: MATH_MAIN },
      commits: {
        [MATH_MAIN]: { files: { "test.jsonl": mathText, ".gitattributes": "*.parquet lfs" } },
      },
      formerIds: ["old/MATH500"],
    },
    "org/gated": {
      refs: { main: MATH_MAIN },
      commits: { [MATH_MAIN]: { files: { "test.jsonl": mathText } } },
      gated: "manual",
      grantedTokens: [TOKEN],
    },
  };
}

async function withHub(
  fn: (hub: Awaited<ReturnType<typeof startHubServer>>, options: LoadOptions) => Promise<void>,
  extra: Partial<HubServerOptions> = {},
): Promise<void> {
  const hub = await startHubServer({ datasets: fixtures(), ...extra });
  const cacheDir = await Deno.makeTempDir({ prefix: "skyeval-hub-cache-" });
  try {
    await fn(hub, { hubEndpoint: hub.url, hubToken: TOKEN, cacheDir, retryBaseMs: 10 });
  } finally {
    await hub.close();
    await Deno.remove(cacheDir, { recursive: true });
  }
}

Deno.test("loadDataset() reads a Hub subset's Parquet shards in order, with the token on Hub calls only", async () => {
  await withHub(async (hub, options) => {
    const loaded = await loadDataset(
      { kind: "hub", repo: "org/gsm", subset: "main", split: "test" },
      options,
    );
    assert.deepEqual(loaded.rows, gsm.slice(0, 5));
    assert.equal(loaded.contentHash, sha256(shard0, shard1));
    assert.deepEqual(loaded.files, [
      `hf://datasets/org/gsm@${MAIN}/main/test-00000-of-00002.parquet`,
      `hf://datasets/org/gsm@${MAIN}/main/test-00001-of-00002.parquet`,
    ]);
    assert.match(loaded.origin, new RegExp(`^Hub dataset "org/gsm" at ${MAIN} via repo files: `));
    const hubCalls = hub.requests.filter((r) => r.server === "hub");
    const cdnCalls = hub.requests.filter((r) => r.server === "cdn");
    assert.equal(hubCalls[0].path, "/api/datasets/org/gsm/revision/main");
    assert.ok(hubCalls.every((r) => r.authorization === `Bearer ${TOKEN}`));
    assert.equal(cdnCalls.length, 2);
    assert.ok(cdnCalls.every((r) => r.authorization === null), "token leaked to the CDN");
    assert.ok(
      hubCalls.some((r) =>
        r.path === `/datasets/org/gsm/resolve/${MAIN}/main/test-00000-of-00002.parquet`
      ),
    );

    const other = await loadDataset(
      { kind: "hub", repo: "org/gsm", subset: "socratic", split: "test" },
      options,
    );
    assert.deepEqual(other.rows, gsm.slice(5, 7));
    await assert.rejects(
      () => loadDataset({ kind: "hub", repo: "org/gsm", subset: "nope", split: "test" }, options),
      { message: 'Cannot load dataset "org/gsm": no subset "nope" (subsets: main, socratic)' },
    );
    await assert.rejects(
      () => loadDataset({ kind: "hub", repo: "org/gsm", subset: "main", split: "dev" }, options),
      { message: 'Cannot load dataset "org/gsm": no split "dev" (splits: train, test)' },
    );
  });
});

Deno.test("loadDataset() pins a revision and follows a renamed repo's redirect", async () => {
  await withHub(async (hub, options) => {
    const pinned = await loadDataset(
      { kind: "hub", repo: "org/gsm", subset: "main", split: "test", revision: OLD },
      options,
    );
    assert.deepEqual(pinned.rows, gsm.slice(0, 3));
    assert.ok(pinned.origin.includes(OLD));
    const tagged = await loadDataset(
      { kind: "hub", repo: "org/gsm", subset: "main", split: "test", revision: "v0" },
      options,
    );
    assert.equal(tagged.contentHash, pinned.contentHash);
    await assert.rejects(
      () =>
        loadDataset(
          { kind: "hub", repo: "org/gsm", subset: "main", split: "test", revision: "refs/pr/9" },
          options,
        ),
      {
        message:
          'Cannot load dataset "org/gsm": the hub answered 404 (revision "refs/pr/9" not found)',
      },
    );
    assert.ok(hub.requests.some((r) => r.path === "/api/datasets/org/gsm/revision/refs%2Fpr%2F9"));

    const renamed = await loadDataset({ kind: "hub", repo: "old/MATH500", split: "test" }, options);
    assert.deepEqual(renamed.rows, math);
    assert.equal(renamed.contentHash, sha256(mathText));
  });
});

Deno.test("loadDataset() explains gated, missing and private datasets in one line", async () => {
  await withHub(async (_hub, options) => {
    const source = { kind: "hub", repo: "org/gated", split: "test" } as const;
    await assert.rejects(() => loadDataset(source, { ...options, hubToken: null }), {
      name: "DatasetError",
      message:
        'Cannot load dataset "org/gated": the hub answered 401 (gated dataset: accept its terms and set HF_TOKEN)',
    });
    await assert.rejects(() => loadDataset(source, { ...options, hubToken: "hf_other" }), {
      message:
        `Cannot load dataset "org/gated": the hub answered 403 (gated dataset: this token has no access yet; accept the terms at ${options.hubEndpoint}/datasets/org/gated)`,
    });
    assert.deepEqual((await loadDataset(source, options)).rows, math);

    await assert.rejects(
      () => loadDataset({ kind: "hub", repo: "org/missing", split: "test" }, options),
      { message: 'Cannot load dataset "org/missing": the hub answered 404 (dataset not found)' },
    );
    await assert.rejects(
      () =>
        loadDataset({ kind: "hub", repo: "org/missing", split: "test" }, {
          ...options,
          hubToken: null,
        }),
      {
        message:
          'Cannot load dataset "org/missing": the hub answered 401 (dataset not found or private: check the name and HF_TOKEN)',
      },
    );
  });
});

Deno.test("loadDataset() rejects a token the Hub does not know", async () => {
  await withHub(async (_hub, options) => {
    await assert.rejects(
      () =>
        loadDataset({ kind: "hub", repo: "org/gsm", subset: "main", split: "test" }, {
          ...options,
          hubToken: "hf_bad",
        }),
      {
        message:
          'Cannot load dataset "org/gsm": the hub answered 401 (invalid token: check HF_TOKEN)',
      },
    );
  }, { validTokens: [TOKEN] });
});

Deno.test("loadDataset() waits out a 429 with Retry-After, then gives up after bounded retries", async () => {
  await withHub(async (hub, options) => {
    const loaded = await loadDataset({ kind: "hub", repo: "math/MATH500", split: "test" }, options);
    assert.deepEqual(loaded.rows, math);
    const infoCalls = hub.requests.filter((r) =>
      r.path === "/api/datasets/math/MATH500/revision/main"
    );
    assert.equal(infoCalls.length, 3);
  }, {
    faults: [{
      path: /^\/api\/datasets\/math\/MATH500\/revision/,
      status: 429,
      times: 2,
      headers: {
        "retry-after": "1",
        ratelimit: '"api";r=0;t=1',
        "ratelimit-policy": '"fixed window";"api";q=500;w=300',
      },
    }],
  });
  await withHub(async (_hub, options) => {
    await assert.rejects(
      () =>
        loadDataset({ kind: "hub", repo: "math/MATH500", split: "test" }, {
          ...options,
          maxRetries: 2,
        }),
      {
        message:
          'Cannot load dataset "math/MATH500": the hub answered 429 (rate limited, 2 retries spent; wait, or set HF_TOKEN for a higher limit)',
      },
    );
  }, {
    faults: [{
      path: /^\/api\/datasets\/math/,
      status: 429,
      times: 9,
      headers: { "retry-after": "0" },
    }],
  });
});

Deno.test("loadDataset() works offline from the cache once the Hub is gone", async () => {
  const hub = await startHubServer({ datasets: fixtures() });
  const cacheDir = await Deno.makeTempDir({ prefix: "skyeval-hub-cache-" });
  const options = { hubEndpoint: hub.url, hubToken: TOKEN, cacheDir, retryBaseMs: 10 };
  try {
    const online = await loadDataset({
      kind: "hub",
      repo: "org/gsm",
      subset: "main",
      split: "test",
    }, options);
    const pinned = await loadDataset(
      { kind: "hub", repo: "org/gsm", subset: "main", split: "test", revision: OLD },
      options,
    );
    await hub.close();
    const offline = await loadDataset(
      { kind: "hub", repo: "org/gsm", subset: "main", split: "test" },
      { ...options, offline: true },
    );
    assert.deepEqual(offline, online);
    const offlinePinned = await loadDataset(
      { kind: "hub", repo: "org/gsm", subset: "main", split: "test", revision: OLD },
      options,
    );
    assert.equal(
      offlinePinned.contentHash,
      pinned.contentHash,
      "a cached commit sha needs no network",
    );
    await assert.rejects(
      () =>
        loadDataset({ kind: "hub", repo: "org/gsm", subset: "socratic", split: "test" }, {
          ...options,
          offline: true,
        }),
      /is not in the cache \(offline mode: load it once online\)$/,
    );
    await assert.rejects(
      () =>
        loadDataset({ kind: "hub", repo: "org/gsm", subset: "socratic", split: "test" }, options),
      (error: Error) =>
        error instanceof DatasetError &&
        /cannot reach http:\/\/127\.0\.0\.1:\d+/.test(error.message),
    );
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("loadDataset() refetches a cached file whose bytes or size changed", async () => {
  await withHub(async (hub, options) => {
    const source = { kind: "hub", repo: "org/gsm", subset: "main", split: "test" } as const;
    const first = await loadDataset(source, options);
    const cached =
      `${options.cacheDir}/hub/datasets/org/gsm/files/${MAIN}/main/test-00000-of-00002.parquet`;
    const bytes = await Deno.readFile(cached);
    bytes[bytes.length >> 1] ^= 0xff;
    await Deno.writeFile(cached, bytes);
    const cdnBefore = hub.requests.filter((r) => r.server === "cdn").length;
    const second = await loadDataset(source, options);
    assert.deepEqual(second, first);
    assert.equal(hub.requests.filter((r) => r.server === "cdn").length, cdnBefore + 1);

    await Deno.writeFile(cached, bytes.subarray(0, 100));
    const third = await loadDataset(source, options);
    assert.deepEqual(third, first);
    assert.equal(hub.requests.filter((r) => r.server === "cdn").length, cdnBefore + 2);

    await Deno.writeFile(cached, bytes);
    await assert.rejects(
      () => loadDataset(source, { ...options, offline: true }),
      /cached file "main\/test-00000-of-00002\.parquet" is corrupt \(sha256 mismatch\)/,
    );

    // Bytes that no longer parse at all are the same corruption, not a malformed dataset.
    await loadDataset(source, options);
    const unparsable = await Deno.readFile(cached);
    unparsable.fill(0xff, unparsable.length - 12);
    await Deno.writeFile(cached, unparsable);
    await assert.rejects(
      () => loadDataset(source, { ...options, offline: true }),
      /cached file "main\/test-00000-of-00002\.parquet" is corrupt \(sha256 mismatch\)/,
    );
  });
});

Deno.test("loadDataset() verifies downloads and resumes a dropped one with Range", async () => {
  await withHub(async (hub, options) => {
    const loaded = await loadDataset({
      kind: "hub",
      repo: "org/gsm",
      subset: "main",
      split: "test",
    }, options);
    assert.equal(loaded.contentHash, sha256(shard0, shard1));
    assert.ok(hub.requests.some((r) => r.server === "cdn" && r.range === "bytes=40-"));
  }, { cdnDrop: { bytes: 40, times: 1 } });
  await withHub(async (hub, options) => {
    const loaded = await loadDataset({
      kind: "hub",
      repo: "org/gsm",
      subset: "main",
      split: "test",
    }, options);
    assert.equal(loaded.contentHash, sha256(shard0, shard1));
    assert.equal(hub.requests.filter((r) => r.server === "cdn").length, 3);
  }, { cdnCorrupt: { times: 1 } });
  await withHub(async (_hub, options) => {
    await assert.rejects(
      () =>
        loadDataset({ kind: "hub", repo: "org/gsm", subset: "main", split: "test" }, {
          ...options,
          cacheDir: null,
        }),
      /^DatasetError: Cannot load dataset "org\/gsm": "org\/gsm\/main\/test-00000-of-00002\.parquet" does not match its sha256 [0-9a-f]{64} \(download corrupted twice\)$/,
    );
  }, { cdnCorrupt: { times: 2 } });
});

Deno.test("loadDataset() reports download progress and stops when its signal aborts", async () => {
  await withHub(async (_hub, options) => {
    const events: { file: string; bytes: number; total?: number }[] = [];
    await loadDataset(
      { kind: "hub", repo: "org/gsm", subset: "main", split: "test" },
      { ...options, hubEndpoint: `${options.hubEndpoint}/`, onProgress: (e) => events.push(e) },
    );
    const last = events.filter((e) => e.file === "org/gsm/main/test-00001-of-00002.parquet").at(-1);
    assert.deepEqual(last, {
      file: "org/gsm/main/test-00001-of-00002.parquet",
      bytes: shard1.length,
      total: shard1.length,
    });
    const controller = new AbortController();
    controller.abort(new Error("stopped by the user"));
    await assert.rejects(
      () =>
        loadDataset({ kind: "hub", repo: "math/MATH500", split: "test" }, {
          ...options,
          signal: controller.signal,
        }),
      /stopped by the user/,
    );
  });
});

const permissionCache = Deno.makeTempDirSync({ prefix: "skyeval-hub-perm-" });

Deno.test({
  name: "loadDataset() needs only net to the Hub and read/write on the cache dir",
  permissions: { net: ["127.0.0.1"], read: [permissionCache], write: [permissionCache] },
  async fn() {
    const hub = await startHubServer({ datasets: fixtures() });
    try {
      const loaded = await loadDataset(
        { kind: "hub", repo: "org/gsm", subset: "main", split: "test" },
        { hubEndpoint: hub.url, hubToken: TOKEN, cacheDir: permissionCache },
      );
      assert.equal(loaded.rows.length, 5);
    } finally {
      await hub.close();
      await Deno.remove(permissionCache, { recursive: true });
    }
  },
});
