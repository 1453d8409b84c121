/**
 * Builds the native grading library when a Rust toolchain is present. Without `cargo` it
 * says so once and succeeds: Rust is optional, the TypeScript grader is used instead (and
 * every run records which one ran). A failing build still fails.
 *
 * Permissions: run (cargo), read (this folder).
 *
 * @module
 */

const manifest = new URL("./Cargo.toml", import.meta.url).pathname;

async function build(): Promise<number> {
  try {
    const { code } = await new Deno.Command("cargo", {
      args: ["build", "--quiet", "--release", "--offline", "--manifest-path", manifest],
      stdin: "null",
    }).output();
    return code;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    console.error(
      "note: cargo not found, so the native grader is not built; the TypeScript grader is used " +
        "(summary.json records it). Install Rust (cargo) for the faster native grader.",
    );
    return 0;
  }
}

if (import.meta.main) Deno.exit(await build());
