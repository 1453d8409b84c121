/**
 * Model configurations: the system prompt, user template and assistant
 * prefill a model is evaluated with, and the named system prompts
 * (`--system-prompt-name`). Resolution follows the reference: the model's
 * entry, then `--system-prompt-name` or `--system-prompt`, then
 * `--assistant-prefill`.
 *
 * Needs read access to `models/`.
 *
 * @module
 */
import { parse as parseYaml } from "npm:yaml@2.9.1";
import { z } from "npm:zod@4.6.7";

const PromptSchema = z.union([z.string(), z.strictObject({ path: z.string() })]);

/** A model's entry in the catalog file. */
export interface ModelEntry {
  name?: string | undefined;
  system_prompt?: string | null | undefined;
  user_template?: string | null | undefined;
  assistant_prefill?: string | null | undefined;
}

const ModelEntrySchema: z.ZodType<ModelEntry> = z.strictObject({
  name: z.string().optional(),
  system_prompt: z.string().nullish(),
  user_template: z.string().nullish(),
  assistant_prefill: z.string().nullish(),
});

const ModelConfigsSchema = z.strictObject({
  system_prompts: z.record(z.string(), PromptSchema),
  models: z.record(z.string(), ModelEntrySchema),
});

/** A model's resolved configuration, as recorded in `summary.json`. */
export interface ModelConfig {
  model_id: string;
  name: string;
  system_prompt: string | null;
  /** Which named prompt was used, if any. */
  system_prompt_name: string | null;
  user_template: string | null;
  assistant_prefill: string | null;
}

/** The named prompts and model entries. */
export interface ModelCatalog {
  systemPrompts: Record<string, string>;
  models: Record<string, ModelEntry>;
}

/** Default catalog file. */
export const MODEL_CONFIGS_URL: URL = new URL("./model_configs.yaml", import.meta.url);

/** Reads and validates a catalog file; file-backed prompts are read too. */
export async function loadModelCatalog(url: URL = MODEL_CONFIGS_URL): Promise<ModelCatalog> {
  const raw = ModelConfigsSchema.parse(parseYaml(await Deno.readTextFile(url)));
  const systemPrompts: Record<string, string> = {};
  for (const [name, prompt] of Object.entries(raw.system_prompts)) {
    systemPrompts[name] = typeof prompt === "string"
      ? prompt
      : await Deno.readTextFile(new URL(prompt.path, url));
  }
  return { systemPrompts, models: raw.models };
}

/** Overrides from the command line. */
export interface ModelOverrides {
  systemPromptName?: string | null;
  systemPrompt?: string | null;
  assistantPrefill?: string | null;
}

/**
 * Resolves a model's configuration.
 *
 * @throws {TypeError} for an unknown prompt name or both prompt overrides.
 */
export function resolveModelConfig(
  modelId: string,
  catalog: ModelCatalog,
  overrides: ModelOverrides = {},
): ModelConfig {
  if (overrides.systemPromptName && overrides.systemPrompt) {
    throw new TypeError("Use either --system-prompt-name or --system-prompt, not both");
  }
  const entry = catalog.models[modelId] ?? catalog.models[modelId.replace(/^openai\//, "")] ?? {};
  let promptName = entry.system_prompt ?? null;
  if (overrides.systemPromptName) promptName = overrides.systemPromptName;
  let systemPrompt: string | null = null;
  if (promptName) {
    systemPrompt = catalog.systemPrompts[promptName] ?? null;
    if (systemPrompt === null) {
      throw new TypeError(
        `Unknown system prompt name "${promptName}"; known: ${
          Object.keys(catalog.systemPrompts).join(", ")
        }`,
      );
    }
  }
  if (overrides.systemPrompt) {
    systemPrompt = overrides.systemPrompt;
    promptName = null;
  }
  return {
    model_id: modelId,
    name: entry.name ?? modelId.split("/").pop()!,
    system_prompt: systemPrompt,
    system_prompt_name: promptName,
    user_template: entry.user_template ?? null,
    assistant_prefill: overrides.assistantPrefill ?? entry.assistant_prefill ?? null,
  };
}
