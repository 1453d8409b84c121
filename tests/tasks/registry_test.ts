import { assertEquals, assertRejects, assertThrows } from "../support/assert.ts";
import {
  listTaskNames,
  loadTask,
  parseTaskConfig,
  TaskConfigError,
  withTaskArgs,
} from "../../tasks/registry.ts";

const REFERENCE_TASKS = [
  "aime24",
  "aime24_sky",
  "aime25_1",
  "aime25_2",
  "amc23",
  "math500",
  "minervamath",
  "olympiadbench_math_en",
  "omni_math",
  "liveaops",
  "gpqa_diamond",
  "mmlu",
  "mmlu_pro",
  "arc_c",
  "gsm8k",
  "livecodebench",
  "livecodebench_easy",
  "livecodebench_medium",
  "livecodebench_hard",
  "apps",
  "taco",
  "numina",
  "numina_amc_aime",
  "numina_math",
  "numina_olympiads",
];

Deno.test("listTaskNames() has every task the reference ships, and each validates", async () => {
  const names = await listTaskNames();
  assertEquals(names, [...REFERENCE_TASKS].sort());
  for (const name of names) await loadTask(name);
});

Deno.test("loadTask() is case-insensitive and suggests close names", async () => {
  assertEquals((await loadTask("AIME24")).name, "aime24");
  await assertRejects(
    () => loadTask("aime"),
    TaskConfigError,
    'Unknown task "aime"; did you mean aime24',
  );
});

Deno.test("loadTask() reads a task file by path, and a folder adds tasks", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/my_task.yaml`,
    "handler: math\ndataset_path: me/data\ndataset_split: test\nquestion_key: q\nanswer_key: a\ntemplating_parameters:\n  template: '{q}'\n",
  );
  assertEquals((await loadTask(`${dir}/my_task.yaml`)).config.dataset_path, "me/data");
  assertEquals((await loadTask("my_task", { dirs: [dir] })).source, `${dir}/my_task.yaml`);
  assertEquals((await listTaskNames({ dirs: [dir] })).includes("my_task"), true);
});

Deno.test("parseTaskConfig() names the invalid field", () => {
  assertThrows(
    () => parseTaskConfig("handler: nope\ndataset_path: x\nquestion_key: q\n", "t.yaml"),
    TaskConfigError,
    'Task file "t.yaml" is invalid at "handler"',
  );
  assertThrows(
    () =>
      parseTaskConfig(
        "handler: math\ndataset_path: x\nquestion_key: q\nqestion_key: typo\n",
        "t.yaml",
      ),
    TaskConfigError,
    "qestion_key",
  );
  assertThrows(() => parseTaskConfig("handler: [", "t.yaml"), TaskConfigError, "not valid YAML");
});

Deno.test("withTaskArgs() merges nested overrides and re-validates", async () => {
  const { config } = await loadTask("numina_math");
  const merged = withTaskArgs(config, {
    dataset_split: "test",
    preprocess_config: { source: "olympiads" },
  }, "x");
  assertEquals(merged.dataset_split, "test");
  assertEquals(merged.preprocess_config.source, "olympiads");
  assertEquals(merged.preprocess_config.filter_difficulty, true);
  assertThrows(() => withTaskArgs(config, { handler: "nope" }, "x"), TaskConfigError);
});
