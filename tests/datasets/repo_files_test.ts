import assert from "node:assert/strict";
import { globToRegExp, matchFiles } from "../../datasets/glob.ts";
import { inferPatterns, splitFilesOf } from "../../datasets/repo_files.ts";

const paths = (
  result: ReturnType<typeof splitFilesOf>,
) => (result.ok ? result.files.map((f) => f.path) : result);

Deno.test("globToRegExp() keeps * inside a segment and lets a ** segment span folders", () => {
  assert.ok(globToRegExp("data/*.parquet").test("data/a.parquet"));
  assert.ok(!globToRegExp("data/*.parquet").test("data/x/a.parquet"));
  assert.ok(globToRegExp("**/test[-._ 0-9]*").test("test.jsonl"));
  assert.ok(globToRegExp("**/test[-._ 0-9]*").test("a/b/test-1.csv"));
  assert.ok(!globToRegExp("**/test[-._ 0-9]*").test("a/testing.csv"));
  assert.ok(globToRegExp("x[!a]y").test("xby") && !globToRegExp("x[!a]y").test("xay"));
});

Deno.test("matchFiles() sorts matches and skips hidden files, special folders and README.md", () => {
  const files = ["b.jsonl", ".hidden.jsonl", "__pycache__/x.jsonl", "README.md", "a.jsonl"];
  assert.deepEqual(matchFiles(files, "**"), ["a.jsonl", "b.jsonl"]);
  assert.deepEqual(matchFiles(files, ".*"), [".hidden.jsonl"]);
});

Deno.test("inferPatterns() finds splits the way datasets does", () => {
  assert.deepEqual(
    Object.keys(
      inferPatterns([
        "data/test-00000-of-00001.parquet",
        "data/custom-00000-of-00002.parquet",
        "data/train-00000-of-00001.parquet",
      ]),
    ),
    ["train", "test", "custom"],
  );
  assert.deepEqual(Object.keys(inferPatterns(["train/a.csv", "dev/b.csv"])), [
    "train",
    "validation",
  ]);
  assert.deepEqual(Object.keys(inferPatterns(["my_eval.jsonl", "x_training.jsonl"])), [
    "train",
    "test",
  ]);
  assert.deepEqual(inferPatterns(["aime2025-I.jsonl"]), { train: ["**"] });
});

Deno.test("splitFilesOf() picks the card's default config and its most common format", () => {
  const files = [
    "a/test.jsonl",
    "b/test.parquet",
    "c/test-1.parquet",
    "c/test-0.parquet",
    "c/notes.jsonl",
  ];
  const card = {
    configs: [
      { config_name: "first", data_files: "a/*" },
      { config_name: "chosen", default: true, data_files: [{ split: "test", path: ["c/*"] }] },
    ],
  };
  assert.deepEqual(paths(splitFilesOf(files, card, null, "test")), [
    "c/test-0.parquet",
    "c/test-1.parquet",
  ]);
  assert.deepEqual(paths(splitFilesOf(files, card, "first", "train")), ["a/test.jsonl"]);
  const ambiguous = {
    configs: [{ config_name: "x", data_files: "a/*" }, { config_name: "y", data_files: "b/*" }],
  };
  assert.deepEqual(splitFilesOf(files, ambiguous, null, "train"), {
    ok: false,
    reason: "the dataset has several subsets and none is the default",
    subsets: ["x", "y"],
  });
});
