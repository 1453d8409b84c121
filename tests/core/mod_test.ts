import { assertEquals } from "../support/assert.ts";

Deno.test({
  name: "importing mod.ts needs no permissions",
  permissions: "none",
  async fn() {
    const mod = await import("../../mod.ts");
    assertEquals(typeof mod.tsAnswerGrader, "function");
    assertEquals(typeof mod.runSamples, "function");
    assertEquals(typeof mod.compareRuns, "function");
    assertEquals(typeof mod.reportHtml, "function");
  },
});
