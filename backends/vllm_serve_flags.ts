/**
 * Turns vLLM engine args (SkyThought's `--backend-args` for its `vllm`
 * backend, e.g. `tensor_parallel_size=8,dtype=bfloat16`) into `vllm serve`
 * flags (protocols.md 2.9).
 *
 * @module
 */

/**
 * Builds `vllm serve` flags from engine args: `snake_case` keys become
 * `--kebab-case`; `true` is a bare flag and `false` its `--no-` form (vLLM's
 * boolean engine args accept both); a list gives one flag followed by its
 * items; an object is sent as JSON; `null` is left out.
 *
 * @example
 * ```ts
 * import { vllmServeFlags } from "./vllm_serve_flags.ts";
 * vllmServeFlags({ tensor_parallel_size: 8, enforce_eager: true });
 * // ["--tensor-parallel-size", "8", "--enforce-eager"]
 * ```
 */
export function vllmServeFlags(args: Record<string, unknown>): string[] {
  const flags: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    if (value === null || value === undefined) continue;
    const flag = `--${key.replace(/^-+/, "").replaceAll("_", "-")}`;
    if (value === true) {
      flags.push(flag);
    } else if (value === false) {
      flags.push(`--no-${flag.slice(2)}`);
    } else if (Array.isArray(value)) {
      flags.push(flag, ...value.map((item) => scalarText(key, item)));
    } else if (typeof value === "object") {
      flags.push(flag, JSON.stringify(value));
    } else {
      flags.push(flag, scalarText(key, value));
    }
  }
  return flags;
}

function scalarText(key: string, value: unknown): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") {
    return String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  throw new TypeError(
    `Cannot turn backend argument "${key}" into a vllm serve flag: "${String(value)}"`,
  );
}
