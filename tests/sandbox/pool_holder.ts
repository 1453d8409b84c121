/**
 * Test helper: start a Pyodide sandbox, print its process ids as one JSON
 * line, then keep a program running until killed.
 *
 * @module
 */

import { createPyodideSandbox } from "../../sandbox/pyodide_pool.ts";

const sandbox = await createPyodideSandbox({ workers: 2 });
console.log(JSON.stringify(sandbox.pids()));
await sandbox.run({
  code: "while True:\n    try:\n        pass\n    except BaseException:\n        pass",
  timeLimitMs: 600_000,
});
