/**
 * A response passes only if every test ran and passed: when the sandbox reports results for
 * fewer tests than were planned (a program that stopped the harness itself), the response is
 * not correct, however well the tests that ran went.
 */
import assert from "node:assert/strict";
import { scoreCode } from "../../scoring/code/mod.ts";
import { createPyodideSandbox } from "../../sandbox/pyodide_pool.ts";
import { runBatch, type Sandbox } from "../../sandbox/sandbox.ts";

Deno.test({
  name: "scoreCode() does not pass a response whose later test results are missing",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using real = await createPyodideSandbox({ workers: 1 });
    // The real sandbox, but each batch ends after its first input, as a harness the
    // program broke would.
    const firstOnly: Sandbox = {
      name: real.name,
      run: (req) => real.run(req),
      runBatch: (req, onResult) =>
        runBatch(real, { ...req, inputs: req.inputs.slice(0, 1) }, onResult),
      close: () => Promise.resolve(),
      [Symbol.asyncDispose]: () => Promise.resolve(),
    };
    const item = {
      family: "apps" as const,
      response: "```python\na, b = map(int, input().split())\nprint(a + b)\n```",
      tests: { inputs: ["1 2\n", "3 4\n", "5 6\n"], outputs: ["3\n", "7\n", "11\n"] },
    };
    const whole = await scoreCode(real, item, { speedFactor: 20 });
    assert.equal(whole.verdict, "correct", "the program is right when every test runs");
    const partial = await scoreCode(firstOnly, item, { speedFactor: 20 });
    assert.deepEqual(partial.tests, ["pass"]);
    assert.equal(partial.correct, false, JSON.stringify(partial));
    assert.equal(partial.verdict, "runtime_error");
    assert.match(partial.detail ?? "", /ran 1 of 3 tests/);
  },
});
