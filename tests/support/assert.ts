/**
 * std-style assertions over `node:assert` (JSR's @std/assert is unreachable here).
 *
 * @module
 */
import assert from "node:assert/strict";

/** Deep strict equality. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
}

/** `|actual - expected| <= tolerance`. */
export function assertAlmostEquals(actual: number, expected: number, tolerance = 1e-7): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new assert.AssertionError({
      message: `${actual} is not within ${tolerance} of ${expected}`,
    });
  }
}

function check(
  error: unknown,
  ErrorClass?: abstract new (...args: never[]) => Error,
  includes?: string,
): Error {
  if (ErrorClass && !(error instanceof ErrorClass)) {
    throw new assert.AssertionError({ message: `Expected ${ErrorClass.name}, got ${error}` });
  }
  if (includes !== undefined && !String((error as Error)?.message).includes(includes)) {
    throw new assert.AssertionError({
      message: `Expected the message to include "${includes}", got "${(error as Error)?.message}"`,
    });
  }
  return error as Error;
}

/** `fn` throws (an instance of `ErrorClass` whose message includes `includes`). */
export function assertThrows(
  fn: () => unknown,
  ErrorClass?: abstract new (...args: never[]) => Error,
  includes?: string,
): Error {
  try {
    fn();
  } catch (error) {
    return check(error, ErrorClass, includes);
  }
  throw new assert.AssertionError({ message: "Expected the function to throw" });
}

/** `fn` rejects (with an instance of `ErrorClass` whose message includes `includes`). */
export async function assertRejects(
  fn: () => Promise<unknown>,
  ErrorClass?: abstract new (...args: never[]) => Error,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return check(error, ErrorClass, includes);
  }
  throw new assert.AssertionError({ message: "Expected the promise to reject" });
}
