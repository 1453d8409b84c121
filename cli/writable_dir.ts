/**
 * Checking, before any slow work, that a run folder can be written: the
 * folder itself when it exists, else the nearest existing parent (which
 * the run would create it in). Nothing is left behind.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { UsageError } from "./io.ts";

/**
 * @throws {UsageError} when the folder (or the parent it would be made in)
 * is not a writable directory.
 */
export async function checkWritable(dir: string): Promise<void> {
  let existing = resolve(dir);
  for (;;) {
    try {
      const info = await Deno.stat(existing);
      if (!info.isDirectory) {
        throw new UsageError(`Cannot write the run folder "${dir}": "${existing}" is a file`);
      }
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) || dirname(existing) === existing) throw error;
      existing = dirname(existing);
    }
  }
  const probe = `${existing}/.skyeval-write-check-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(probe, "", { createNew: true });
  } catch (error) {
    throw new UsageError(
      `Cannot write the run folder "${dir}": "${existing}" is not writable (${
        (error as Error).name
      })`,
    );
  }
  await Deno.remove(probe);
}
