import { assertEquals } from "../support/assert.ts";
import { configDiff, describeDiff } from "../../core/config_diff.ts";

Deno.test("configDiff() names each differing leaf with both values", () => {
  const was = { sampling_params: { temperature: 0.7, top_p: 1 }, seed: 41, task: { source: "a" } };
  const now = { sampling_params: { temperature: 0, top_p: 1 }, seed: 41, task: { source: "b" } };
  const differences = configDiff(was, now, (path) => path === "task.source");
  assertEquals(differences, [{ path: "sampling_params.temperature", was: 0.7, now: 0 }]);
  assertEquals(describeDiff(differences), "sampling_params.temperature was 0.7, now 0");
  assertEquals(describeDiff(configDiff({ a: 1 }, {})), "a was 1, now unset");
});
