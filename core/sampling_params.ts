/**
 * Checking `--sampling-params` before any request: the keys every backend
 * understands must have the right type and range (SkyThought's pydantic
 * model rejected `temperature=abc` too). Other keys (vLLM extras) pass
 * through unchecked for the server to judge.
 *
 * @module
 */
import { z } from "zod";

const SamplingSchema = z.looseObject({
  temperature: z.number().min(0).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: z.number().int().min(1).optional(),
  n: z.number().int().min(1).optional(),
  top_k: z.number().int().min(-1).optional(),
  min_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().nullable().optional(),
  presence_penalty: z.number().optional(),
  frequency_penalty: z.number().optional(),
  repetition_penalty: z.number().gt(0).optional(),
  stop: z.union([z.string(), z.array(z.string())]).nullable().optional(),
});

/**
 * Validates sampling parameters.
 *
 * @throws {TypeError} naming the first bad key and what it must be.
 */
export function checkSamplingParams(sampling: Record<string, unknown>): void {
  const parsed = SamplingSchema.safeParse(sampling);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  const key = issue.path.join(".");
  throw new TypeError(
    `Invalid sampling parameter "${key}" = ${JSON.stringify(sampling[key])}: ${issue.message}`,
  );
}
