import assert from "node:assert/strict";
import {
  appsCallMatches,
  appsStdinMatches,
  lcbCallMatches,
  lcbStdinMatches,
  pyEquals,
} from "../../scoring/code/compare.ts";

Deno.test("appsStdinMatches() follows the APPS cascade", () => {
  assert.ok(appsStdinMatches("4\n", "4\n"));
  assert.ok(appsStdinMatches("  4  \n", "4"));
  assert.ok(appsStdinMatches("1 2\n3  \n", "1 2\n3\n"));
  assert.ok(appsStdinMatches("0.3333333\n", "0.33333333\n"), "np.allclose");
  assert.ok(appsStdinMatches("2 1\n", "1 2\n"), "token sets ignore order, as the reference does");
  assert.ok(appsStdinMatches("1.0001\n", "1.00012\n"), "numbers rounded to 3 places");
  assert.ok(!appsStdinMatches("5\n", "4\n"));
  assert.ok(!appsStdinMatches("", "4\n"));
  assert.ok(!appsStdinMatches("YES\nNO\n", "YES\nYES\n"));
  assert.ok(!appsStdinMatches("1.1\n", "1.2\n"));
});

Deno.test("appsCallMatches() compares like Python ==, also against outputs[i][0]", () => {
  assert.ok(appsCallMatches(9, [9]));
  assert.ok(appsCallMatches(true, [true]));
  assert.ok(appsCallMatches(1, [true]), "True == 1 in Python");
  assert.ok(appsCallMatches([1, 2], [[1, 2]]));
  assert.ok(appsCallMatches({ $dict: [[1, "a"]] }, { "1": "a" }), "JSON keys become ints");
  assert.ok(!appsCallMatches(false, [true]));
  assert.ok(!appsCallMatches("9", [9]));
  assert.ok(!appsCallMatches(null, [9]));
});

Deno.test("pyEquals() handles big ints, floats, sets and dicts", () => {
  assert.ok(pyEquals({ $int: "123456789012345678901" }, { $int: "123456789012345678901" }));
  assert.ok(!pyEquals({ $int: "123456789012345678901" }, { $int: "123456789012345678902" }));
  assert.ok(pyEquals(2, 2.0));
  assert.ok(!pyEquals(0.1 + 0.2, 0.3));
  assert.ok(pyEquals(0.1 + 0.2, 0.3, 1e-9));
  assert.ok(pyEquals({ $set: [1, 2] }, { $set: [2, 1] }));
  assert.ok(!pyEquals({ $set: [1, 2] }, [1, 2]));
  assert.ok(pyEquals({ $dict: [["a", 1], ["b", 2]] }, { $dict: [["b", 2], ["a", 1]] }));
});

Deno.test("lcbStdinMatches() compares stripped lines and decimals, as grade_stdio does", () => {
  assert.ok(lcbStdinMatches("YES\nNO\n", "YES\nNO"));
  assert.ok(lcbStdinMatches("  1.50 \n", "1.5\n"));
  assert.ok(lcbStdinMatches("1e2 3\n", "100 3\n"));
  assert.ok(lcbStdinMatches("-0\n", "0\n"));
  assert.ok(!lcbStdinMatches("1 2\n", "2 1\n"));
  assert.ok(!lcbStdinMatches("YES\n", "YES\nNO\n"));
  assert.ok(!lcbStdinMatches("1.5000001\n", "1.5\n"));
});

Deno.test("lcbCallMatches() compares JSON values with a float tolerance", () => {
  assert.ok(lcbCallMatches(3, "3"));
  assert.ok(lcbCallMatches([1, 2], "[1, 2]"));
  assert.ok(lcbCallMatches(2.0000000001, "2.00000"));
  assert.ok(lcbCallMatches("abc", '"abc"'));
  assert.ok(!lcbCallMatches(3, "4"));
  assert.ok(!lcbCallMatches(true, "false"));
});
