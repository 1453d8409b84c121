import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { loadDataset, type LoadOptions } from "../../datasets/mod.ts";
import { fakeSha, type HubServerOptions, startHubServer } from "../support/hub_server.ts";
import { arrowBytes, columnsOf, parquetBytes, toJsonl } from "../support/dataset_fixtures.ts";

function sha256(...parts: (string | Uint8Array)[]): string {
  const hash = createHash("sha256");
  for (const p of parts) hash.update(p);
  return hash.digest("hex");
}

async function withHub(
  datasets: HubServerOptions["datasets"],
  fn: (hub: Awaited<ReturnType<typeof startHubServer>>, options: LoadOptions) => Promise<void>,
  extra: Partial<HubServerOptions> = {},
): Promise<void> {
  const hub = await startHubServer({ datasets, ...extra });
  const cacheDir = await Deno.makeTempDir({ prefix: "skyeval-hub-cache-" });
  try {
    await fn(hub, { hubEndpoint: hub.url, hubToken: null, cacheDir, retryBaseMs: 10 });
  } finally {
    await hub.close();
    await Deno.remove(cacheDir, { recursive: true });
  }
}

function lcbProblem(id: string, difficulty: string): Record<string, unknown> {
  return {
    question_title: `Problem ${id}`,
    question_content: `Solve ${id}.`,
    platform: "atcoder",
    question_id: id,
    contest_id: "abc300",
    contest_date: "2023-05-01T00:00:00",
    starter_code: "",
    difficulty,
    public_test_cases: JSON.stringify([{ input: "1\n", output: "1\n", testtype: "stdin" }]),
    private_test_cases: "eJxrYJ=",
    metadata: "{}",
  };
}

Deno.test("loadDataset() replays the LiveCodeBench script: a version tag picks test*.jsonl files", async () => {
  const sha = fakeSha("lcb");
  const files: Record<string, string> = { "code_generation_lite.py": "# script", "README.md": "x" };
  const byFile = [1, 2, 3].map((n) => [lcbProblem(`p${n}a`, "easy"), lcbProblem(`p${n}b`, "hard")]);
  byFile.forEach((
    rows,
    i,
  ) => (files[i === 0 ? "test.jsonl" : `test${i + 1}.jsonl`] = toJsonl(rows)));
  await withHub({
    "livecodebench/code_generation_lite": { refs: { main: sha }, commits: { [sha]: { files } } },
  }, async (hub, options) => {
    const v2 = await loadDataset(
      {
        kind: "hub",
        repo: "livecodebench/code_generation_lite",
        split: "test",
        kwargs: { version_tag: "release_v2", trust_remote_code: true },
      },
      options,
    );
    assert.deepEqual(v2.rows, [...byFile[0], ...byFile[1]]);
    assert.equal(v2.contentHash, sha256(files["test.jsonl"], files["test2.jsonl"]));
    assert.match(
      v2.origin,
      /via loading-script replacement for livecodebench\/code_generation_lite: test\.jsonl, test2\.jsonl$/,
    );
    assert.ok(
      !hub.requests.some((r) => r.path.endsWith("/test3.jsonl")),
      "fetched a file release_v2 does not need",
    );

    const v3only = await loadDataset(
      { kind: "hub", repo: "livecodebench/code_generation_lite", subset: "v3", split: "test" },
      options,
    );
    assert.deepEqual(v3only.rows, byFile[2]);
    const latest = await loadDataset(
      { kind: "hub", repo: "livecodebench/code_generation_lite", split: "test" },
      options,
    );
    assert.equal(latest.rows.length, 6);
    await assert.rejects(
      () =>
        loadDataset({
          kind: "hub",
          repo: "livecodebench/code_generation_lite",
          split: "test",
          kwargs: { version_tag: "release_v9" },
        }, options),
      {
        message:
          'Cannot load dataset "livecodebench/code_generation_lite": version tag "release_v9" needs files the repo lacks',
      },
    );
  });
});

Deno.test("loadDataset() replays the APPS and TACO scripts: split files (JSONL, Arrow, Parquet) plus a difficulty filter", async () => {
  const appsRows = ["introductory", "interview", "competition", "interview"].map((
    difficulty,
    i,
  ) => ({
    problem_id: i,
    question: `Q${i}`,
    solutions: "[]",
    input_output: JSON.stringify({ inputs: ["1"], outputs: ["1"] }),
    difficulty,
    url: `https://example.test/${i}`,
    starter_code: "",
  }));
  const tacoRows = ["EASY", "MEDIUM", "MEDIUM", "HARD"].map((difficulty, i) => ({
    question: `T${i}`,
    solutions: "[]",
    starter_code: "",
    input_output: "{}",
    difficulty,
  }));
  const appsSha = fakeSha("apps");
  const tacoSha = fakeSha("taco");
  const taco0 = parquetBytes(columnsOf(tacoRows.slice(0, 2)));
  const taco1 = parquetBytes(columnsOf(tacoRows.slice(2)));
  const fixedRows = tacoRows.map((r) => ({ ...r, input_output: '{"inputs":["fixed"]}' }));
  const arrow0 = arrowBytes(columnsOf(fixedRows.slice(0, 3)));
  const arrow1 = arrowBytes(columnsOf(fixedRows.slice(3)));
  const tacoArrowSha = fakeSha("taco arrow");
  await withHub({
    "codeparrot/apps": {
      refs: { main: appsSha },
      commits: {
        [appsSha]: {
          files: { "apps.py": "#", "test.jsonl": toJsonl(appsRows), "train.jsonl": toJsonl([]) },
        },
      },
    },
    "BAAI/TACO": {
      refs: { main: tacoSha, fixed: tacoArrowSha },
      commits: {
        [tacoSha]: {
          files: {
            "TACO.py": "#",
            "ALL/train-00001-of-00002.parquet": taco1,
            "ALL/train-00000-of-00002.parquet": taco0,
          },
        },
        [tacoArrowSha]: {
          files: {
            "TACO.py": "#",
            "ALL/train-00000-of-00002.parquet": taco0,
            "train/data-00001-of-00002.arrow": arrow1,
            "train/data-00000-of-00002.arrow": arrow0,
          },
        },
      },
    },
  }, async (_hub, options) => {
    const all = await loadDataset({
      kind: "hub",
      repo: "codeparrot/apps",
      subset: "all",
      split: "test",
    }, options);
    assert.deepEqual(all.rows, appsRows);
    const interview = await loadDataset(
      { kind: "hub", repo: "codeparrot/apps", subset: "interview", split: "test" },
      options,
    );
    assert.deepEqual(interview.rows.map((r) => r.problem_id), [1, 3]);
    assert.equal(
      interview.contentHash,
      all.contentHash,
      "the hash covers the file read, before filtering",
    );
    assert.match(interview.origin, /difficulty in \["interview"\]/);

    const medium = await loadDataset({
      kind: "hub",
      repo: "BAAI/TACO",
      subset: "MEDIUM",
      split: "train",
    }, options);
    assert.deepEqual(medium.rows, tacoRows.slice(1, 3));
    assert.equal(medium.contentHash, sha256(taco0, taco1));
    const fixed = await loadDataset(
      { kind: "hub", repo: "BAAI/TACO", subset: "MEDIUM", split: "train", revision: "fixed" },
      options,
    );
    assert.deepEqual(fixed.rows, fixedRows.slice(1, 3), "prefers the script's own Arrow files");
    assert.equal(fixed.contentHash, sha256(arrow0, arrow1));
    const listed = await loadDataset({
      kind: "hub",
      repo: "BAAI/TACO",
      split: "train",
      revision: "fixed",
      kwargs: { difficulties: ["EASY", "HARD"] },
    }, options);
    assert.deepEqual(listed.rows.map((r) => r.question), ["T0", "T3"]);
    await assert.rejects(
      () =>
        loadDataset({ kind: "hub", repo: "BAAI/TACO", subset: "medium", split: "train" }, options),
      {
        message:
          'Cannot load dataset "BAAI/TACO": no subset "medium" (subsets: ALL, EASY, MEDIUM, MEDIUM_HARD, HARD, VERY_HARD)',
      },
    );
  });
});

Deno.test("loadDataset() falls back to the paged refs/convert/parquet listing for other script datasets", async () => {
  const main = fakeSha("script main");
  const converted = fakeSha("script parquet");
  const rows = Array.from({ length: 5 }, (_, i) => ({ problem: `P${i}`, answer: String(i * i) }));
  const shards = [rows.slice(0, 2), rows.slice(2, 4), rows.slice(4)].map((r) =>
    parquetBytes(columnsOf(r))
  );
  await withHub({
    "org/scripted": {
      refs: { main, "refs/convert/parquet": converted },
      commits: {
        [main]: { files: { "scripted.py": "# loading script", "raw/data.bin": "..." } },
        [converted]: {
          files: {
            "default/test/0000.parquet": shards[0],
            "default/test/0001.parquet": shards[1],
            "default/test/0002.parquet": shards[2],
            "other/test/0000.parquet": shards[0],
          },
        },
      },
    },
  }, async (hub, options) => {
    const loaded = await loadDataset({ kind: "hub", repo: "org/scripted", split: "test" }, options);
    assert.deepEqual(loaded.rows, rows);
    assert.equal(loaded.contentHash, sha256(...shards));
    assert.match(loaded.origin, /via Parquet conversion \(refs\/convert\/parquet\)/);
    assert.equal(
      loaded.files[0],
      `hf://datasets/org/scripted@${converted}/default/test/0000.parquet`,
    );
    assert.ok(
      hub.requests.some((r) =>
        r.path === "/api/datasets/org/scripted/revision/refs%2Fconvert%2Fparquet"
      ),
    );
    const pages = hub.requests.filter((r) =>
      r.path.startsWith(`/api/datasets/org/scripted/tree/${converted}/default/test`)
    );
    assert.equal(pages.length, 3, "followed the Link pagination");
    await assert.rejects(
      () => loadDataset({ kind: "hub", repo: "org/scripted", split: "train" }, options),
      {
        message:
          'Cannot load dataset "org/scripted": the repo uses a loading script skyeval cannot run',
      },
    );
  }, { treePageSize: 1 });
});

Deno.test("loadDataset() reads a split named by file conventions and a card config with data_dir", async () => {
  const sha = fakeSha("conventions");
  await withHub({
    "org/plain": {
      refs: { main: sha },
      commits: {
        [sha]: {
          files: {
            "data/train.csv": "q,a\nx,1\n",
            "data/validation.csv": "q,a\ny,2\n",
            "data/test.csv": 'q,a\n"z, w",3\n',
            "notes.txt": "ignored",
          },
        },
      },
    },
    "org/cards": {
      refs: { main: sha },
      commits: {
        [sha]: {
          cardData: {
            configs: [{
              config_name: "OE_TO_maths_en_COMP",
              data_dir: "OlympiadBench/OE_TO_maths_en_COMP",
            }],
          },
          files: {
            "OlympiadBench/OE_TO_maths_en_COMP/OE_TO_maths_en_COMP.jsonl": toJsonl([{
              question: "q1",
            }]),
            "OlympiadBench/OE_TO_physics_en_COMP/OE_TO_physics_en_COMP.jsonl": toJsonl([{
              question: "p1",
            }]),
          },
        },
      },
    },
  }, async (_hub, options) => {
    const test = await loadDataset({ kind: "hub", repo: "org/plain", split: "test" }, options);
    assert.deepEqual(test.rows, [{ q: "z, w", a: 3 }]);
    const validation = await loadDataset(
      { kind: "hub", repo: "org/plain", split: "validation" },
      options,
    );
    assert.deepEqual(validation.rows, [{ q: "y", a: 2 }]);
    const olympiad = await loadDataset(
      { kind: "hub", repo: "org/cards", subset: "OE_TO_maths_en_COMP", split: "train" },
      options,
    );
    assert.deepEqual(olympiad.rows, [{ question: "q1" }]);
  });
});

Deno.test("loadDataset() reads a dataset's split from an unmerged PR ref (Omni-MATH style)", async () => {
  const main = fakeSha("omni main");
  const pr = fakeSha("omni pr 2");
  const ruleBased = [{ problem: "p", answer: "1" }];
  await withHub({
    "KbsdJames/Omni-MATH": {
      refs: { main, "refs/pr/2": pr },
      commits: {
        [main]: { files: { "test.jsonl": toJsonl([{ problem: "main", answer: "0" }]) } },
        [pr]: {
          cardData: {
            configs: [{
              config_name: "default",
              data_files: [{ split: "test", path: "test.jsonl" }, {
                split: "test_rule_based",
                path: "test_rule_based.jsonl",
              }],
            }],
          },
          files: {
            "test.jsonl": toJsonl([{ problem: "main", answer: "0" }]),
            "test_rule_based.jsonl": toJsonl(ruleBased),
          },
        },
      },
    },
  }, async (hub, options) => {
    const loaded = await loadDataset(
      {
        kind: "hub",
        repo: "KbsdJames/Omni-MATH",
        split: "test_rule_based",
        kwargs: { revision: "refs/pr/2" },
      },
      options,
    );
    assert.deepEqual(loaded.rows, ruleBased);
    assert.ok(loaded.origin.includes(pr));
    assert.ok(
      hub.requests.some((r) =>
        r.path === "/api/datasets/KbsdJames/Omni-MATH/revision/refs%2Fpr%2F2"
      ),
    );
  });
});
