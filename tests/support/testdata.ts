/**
 * The real benchmark rows and model generations committed under `tests/testdata/` (origin
 * and license in its README). `.gz` files are decompressed on read.
 *
 * @module
 */
import { gunzipSync } from "node:zlib";

const TESTDATA = new URL("../testdata/", import.meta.url);

/** The text of `tests/testdata/<path>`. */
export function testdataText(path: string): string {
  const bytes = Deno.readFileSync(new URL(path, TESTDATA));
  return new TextDecoder().decode(path.endsWith(".gz") ? gunzipSync(bytes) : bytes);
}

/** The rows of a JSONL file in `tests/testdata/`, the first `count` if given. */
export function testdataJsonl<T = Record<string, unknown>>(path: string, count?: number): T[] {
  const lines = testdataText(path).split("\n").filter((l) => l.trim());
  return lines.slice(0, count ?? lines.length).map((l) => JSON.parse(l));
}

/** A JSON file in `tests/testdata/`. */
export function testdataJson<T = unknown>(path: string): T {
  return JSON.parse(testdataText(path));
}

/**
 * A decompressed copy of `tests/testdata/<path>` in `dir`, under its own name without `.gz`,
 * for commands that take a file path.
 */
export async function testdataFile(path: string, dir: string): Promise<string> {
  const target = `${dir}/${path.split("/").pop()!.replace(/\.gz$/, "")}`;
  await Deno.writeTextFile(target, testdataText(path));
  return target;
}
