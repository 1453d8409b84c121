/**
 * Test helper: builds the native grader with cargo (a no-op when it is up to
 * date) and opens it. When cargo is absent, an already built library is used;
 * without either the native tests are ignored, with the reason printed once.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import {
  defaultNativeLibraryPath,
  type NativeAnswerGrader,
  openNativeAnswerGrader,
} from "../../native/mod.ts";

const MANIFEST = fileURLToPath(new URL("../../native/Cargo.toml", import.meta.url));

let built: string | null | undefined;

/** Runs `cargo build --release --offline`; returns null on success, else the reason. */
export function buildNativeLibrary(): string | null {
  if (built !== undefined) return built;
  let out: Deno.CommandOutput;
  try {
    out = new Deno.Command("cargo", {
      args: ["build", "--release", "--offline", "--manifest-path", MANIFEST],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
  } catch (err) {
    built = `cargo is not available (${(err as Error).message})`;
    return built;
  }
  built = out.success
    ? null
    : `cargo build failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`;
  return built;
}

/** The native grader, built first, or the reason it is unavailable. */
export function openBuiltNativeGrader(): NativeAnswerGrader | { unavailable: string } {
  const problem = buildNativeLibrary();
  if (problem !== null) {
    try {
      Deno.statSync(defaultNativeLibraryPath());
    } catch {
      return { unavailable: problem };
    }
    if (!problem.startsWith("cargo is not available")) throw new Error(problem);
  }
  return openNativeAnswerGrader();
}

/**
 * Why the native library cannot be tested here (no cargo and no built library), or null when
 * it can. A failing build is not a reason to skip: the tests then run and fail.
 */
export function nativeUnavailable(): string | null {
  const problem = buildNativeLibrary();
  if (problem === null || !problem.startsWith("cargo is not available")) return null;
  try {
    Deno.statSync(defaultNativeLibraryPath());
    return null;
  } catch {
    return problem;
  }
}
