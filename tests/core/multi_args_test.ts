import { assertEquals, assertThrows } from "../support/assert.ts";
import { parseMultiArgs } from "../../core/multi_args.ts";
import { parsePythonLiteral } from "../../core/python_literal.ts";

Deno.test("parseMultiArgs() reads the reference's valid inputs", () => {
  assertEquals(parseMultiArgs("{'a': 1, 'b': 2}"), { a: 1, b: 2 });
  assertEquals(parseMultiArgs("{'a': 1, 'c': {'b': 2}}"), { a: 1, c: { b: 2 } });
  assertEquals(parseMultiArgs('{"a": 1, "b": "x"}'), { a: 1, b: "x" });
  assertEquals(parseMultiArgs("a=1,b=2"), { a: 1, b: 2 });
  assertEquals(parseMultiArgs("a=1, b=2"), { a: 1, b: 2 });
  assertEquals(
    parseMultiArgs("tensor_parallel_size=8,revision=0dccf55,dtype=torch.float32"),
    { tensor_parallel_size: 8, revision: "0dccf55", dtype: "torch.float32" },
  );
  assertEquals(parseMultiArgs("a=1"), { a: 1 });
  assertEquals(parseMultiArgs(""), {});
  assertEquals(parseMultiArgs("   "), {});
});

Deno.test("parseMultiArgs() types values like Python literals", () => {
  assertEquals(parseMultiArgs("temperature=0.6,top_p=0.95,enforce_eager=True,seed=None"), {
    temperature: 0.6,
    top_p: 0.95,
    enforce_eager: true,
    seed: null,
  });
  assertEquals(parseMultiArgs("name='a b'"), { name: "a b" });
});

Deno.test("parseMultiArgs() keeps lists and quoted commas in one value", () => {
  assertEquals(parseMultiArgs('stop=["\\n\\n", "END"],max_tokens=10'), {
    stop: ["\n\n", "END"],
    max_tokens: 10,
  });
  assertEquals(parseMultiArgs("base_url=http://127.0.0.1:8000/v1"), {
    base_url: "http://127.0.0.1:8000/v1",
  });
});

Deno.test("parseMultiArgs() rejects the reference's invalid inputs with its message", () => {
  for (const bad of ["a=1,b", "a=1,b=two=2", "not a dict", "{'a': 1", "[1, 2]"]) {
    assertThrows(
      () => parseMultiArgs(bad),
      TypeError,
      "Expected comma separated list of parameters",
    );
  }
});

Deno.test("parsePythonLiteral() reads tuples, escapes and JSON", () => {
  assertEquals(parsePythonLiteral("(1, 'a', [None, False])"), [1, "a", [null, false]]);
  assertEquals(parsePythonLiteral("'it\\'s\\n'"), "it's\n");
  assertEquals(parsePythonLiteral('{"k": [1.5e3, -2]}'), { k: [1500, -2] });
  assertThrows(() => parsePythonLiteral("os.system('x')"), SyntaxError);
});
