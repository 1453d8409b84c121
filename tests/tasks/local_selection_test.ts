import { assertEquals } from "../support/assert.ts";
import { applyTaskSelection, selectsRows } from "../../tasks/local_selection.ts";
import { parseTaskConfig } from "../../tasks/registry.ts";

const config = (extra: string) =>
  parseTaskConfig(
    `handler: math\ndataset_path: a/b\nquestion_key: q\nanswer_key: a\n${extra}`,
    "test",
  );

Deno.test("applyTaskSelection() keeps the task's subset by the rows' subset column", () => {
  const rows = [{ subset: "I", q: 1 }, { subset: "II", q: 2 }, { subset: "I", q: 3 }];
  const { rows: kept, notes } = applyTaskSelection(config("dataset_subset: I\n"), rows);
  assertEquals(kept.map((r) => r.q), [1, 3]);
  assertEquals(notes, [`kept the 2 of 3 rows whose "subset" is "I" (the task's subset)`]);
});

Deno.test("applyTaskSelection() names a subset it cannot apply and keeps every row", () => {
  const { rows, notes } = applyTaskSelection(config("dataset_subset: I\n"), [{ q: 1 }, { q: 2 }]);
  assertEquals(rows.length, 2);
  assertEquals(notes.length, 1);
  assertEquals(notes[0].startsWith(`the task's subset "I" is not applied`), true);
});

Deno.test("applyTaskSelection() maps APPS subsets to difficulty and whole subsets to every row", () => {
  const rows = [{ difficulty: "interview" }, { difficulty: "introductory" }];
  assertEquals(applyTaskSelection(config("dataset_subset: introductory\n"), rows).rows, [rows[1]]);
  assertEquals(applyTaskSelection(config("dataset_subset: all\n"), rows), { rows, notes: [] });
});

Deno.test("applyTaskSelection() applies release_v2 as its contest-date window", () => {
  const rows = ["2023-05-07T00:00:00", "2024-05-25T00:00:00", "2024-06-01T00:00:00"].map((d) => ({
    contest_date: d,
  }));
  const lcb = config("dataset_kwargs:\n  version_tag: release_v2\n");
  assertEquals(selectsRows(lcb), true);
  const { rows: kept, notes } = applyTaskSelection(lcb, rows);
  assertEquals(kept.length, 2);
  assertEquals(notes[0].includes(`before 2024-06-01 (the task's version_tag "release_v2")`), true);
  const v3 = applyTaskSelection(config("dataset_kwargs:\n  version_tag: release_v3\n"), rows);
  assertEquals([v3.rows.length, v3.notes[0].includes("is not applied")], [3, true]);
});

Deno.test("applyTaskSelection() filters by a split column when the rows have one", () => {
  const rows = [{ split: "test" }, { split: "train" }];
  assertEquals(applyTaskSelection(config("dataset_split: test\n"), rows).rows, [rows[0]]);
  assertEquals(selectsRows(config("dataset_split: test\n")), false);
});
