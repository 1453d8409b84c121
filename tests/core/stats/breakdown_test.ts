import { assertEquals } from "../../support/assert.ts";
import { BreakdownAccumulator, groupValue } from "../../../core/stats/breakdown.ts";

Deno.test("BreakdownAccumulator averages problem accuracy per level and subject", () => {
  const groups = new BreakdownAccumulator();
  groups.add({ level: 2, subject: "Algebra" }, 4, 4);
  groups.add({ level: 10, subject: "Algebra" }, 4, 1);
  groups.add({ level: 2, subject: "Geometry" }, 2, 0);
  groups.add({ level: 2, subject: "Geometry" }, 0, 0); // nothing judged: left out
  assertEquals(groups.finish(), {
    level: {
      "2": { problems: 2, responses: 6, correct: 4, accuracy: 0.5 },
      "10": { problems: 1, responses: 4, correct: 1, accuracy: 0.25 },
    },
    subject: {
      Algebra: { problems: 2, responses: 8, correct: 5, accuracy: 0.625 },
      Geometry: { problems: 1, responses: 2, correct: 0, accuracy: 0 },
    },
  });
});

Deno.test("BreakdownAccumulator drops a field with too many values to be a grouping", () => {
  const groups = new BreakdownAccumulator();
  for (let i = 0; i < 100; i++) groups.add({ subject: `s${i}`, difficulty: "easy" }, 1, 1);
  assertEquals(Object.keys(groups.finish()), ["difficulty"]);
});

Deno.test("groupValue() takes scalars only", () => {
  assertEquals(groupValue({ level: "Level 5 " }, "level"), "Level 5");
  assertEquals(groupValue({ level: 3 }, "level"), "3");
  assertEquals(groupValue({ level: "" }, "level"), null);
  assertEquals(groupValue({ level: [1] }, "level"), null);
  assertEquals(groupValue({}, "level"), null);
});
