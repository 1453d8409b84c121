import assert from "node:assert/strict";
import { extractCode } from "../../scoring/code/extract.ts";

Deno.test("extractCode() takes the last fenced block, as the reference does", () => {
  assert.equal(extractCode("```python\nprint(1)\n```"), "print(1)\n");
  assert.equal(extractCode("```\nprint(2)\n```"), "print(2)\n");
  assert.equal(extractCode("```python\na=1\n```\ntext\n```python\nb=2\n```"), "b=2\n");
  assert.equal(extractCode("no code here"), null);
  assert.equal(extractCode(""), null);
  assert.equal(extractCode("print(1)\n```"), null);
});

Deno.test("extractCode() takes the blocks the reference misses", () => {
  assert.equal(extractCode("```python3\nprint(3)\n```"), "print(3)\n");
  assert.equal(extractCode("```py\nprint(4)\n```"), "print(4)\n");
  assert.equal(extractCode("``` Python\nprint(5)\n```"), "print(5)\n");
  assert.equal(extractCode("~~~python\nprint(6)\n~~~"), "print(6)\n");
  assert.equal(extractCode("\n```python\nmain()\n    ```\n    "), "main()\n");
  assert.equal(extractCode("cut off:\n```python\nx = 1\nprint(x"), "x = 1\nprint(x\n");
  assert.equal(extractCode("<code>print(7)</code>"), "print(7)\n");
  assert.equal(extractCode("```python\r\nprint(8)\r\n```"), "print(8)\n");
});

Deno.test("extractCode() prefers Python blocks over sample output and other languages", () => {
  const response = "```python\nprint(int(input())*2)\n```\nExample:\n```text\n4\n```";
  assert.equal(extractCode(response), "print(int(input())*2)\n");
  assert.equal(extractCode("```python\nprint(1)\n```\n```\n42\n```"), "print(1)\n");
});

Deno.test("extractCode() prefers code after </think>", () => {
  const response = "<think>\n```python\ndraft()\n```\n</think>\nFinal:\n```python\nfinal()\n```";
  assert.equal(extractCode(response), "final()\n");
});
