/**
 * Flag parsing on top of `node:util` `parseArgs`, with the project's error
 * wording (one line, names the flag) and SkyThought's flag spellings.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { type MultiArgs, parseMultiArgs } from "../core/multi_args.ts";
import { UsageError } from "./io.ts";

/** Option table in `parseArgs` form. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses argv strictly: unknown flags and missing values are usage errors.
 *
 * @throws {UsageError}
 */
export function parseFlags<const T extends FlagSpec>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = false,
) {
  // `--end -1` (SkyThought's default spelled out): a value that looks like a
  // negative number belongs to the option before it.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    const next = args[i + 1];
    if (name && options[name]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      joined.push(`--${name}=${next}`);
      i++;
    } else joined.push(args[i]);
  }
  try {
    return parseArgs({
      args: joined,
      options,
      strict: true,
      allowPositionals,
      allowNegative: true,
    });
  } catch (error) {
    const message = (error as Error).message.split("\n")[0].replace(/\. To specify.*$/, "");
    throw new UsageError(`${command}: ${message} (see "skyeval ${command} --help")`);
  }
}

/** `k=v` or dictionary flag value, with the flag named in the error. */
export function multiArgsFlag(flag: string, value: string | undefined): MultiArgs {
  try {
    return parseMultiArgs(value ?? "");
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`);
  }
}

/** An integer flag. */
export function intFlag(
  flag: string,
  value: string | undefined,
  fallback: number,
  min = -Infinity,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(
      `--${flag} must be an integer${min > -Infinity ? ` >= ${min}` : ""}, got "${value}"`,
    );
  }
  return n;
}

/** Python `unicode_escape` decoding, as the reference applies to prompts typed on a shell. */
export function unescapeFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[nrt\\'"0])/g, (_m, e: string) => {
    if (e[0] === "u" || e[0] === "x") return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: "\n", r: "\r", t: "\t", "0": "\0" } as Record<string, string>)[e] ?? e;
  });
}
