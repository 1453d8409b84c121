/**
 * The declarative task file: SkyThought's `TaskConfig` fields, validated.
 * A SkyThought task YAML loads unchanged; unknown keys are rejected so a
 * typo cannot silently change an evaluation.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";

/** The handlers a task file may name: the reference's handler keys. */
export const HANDLER_NAMES = [
  "aime",
  "amc23",
  "math",
  "minervamath",
  "olympiadbench_math",
  "omni_math",
  "liveaops",
  "gpqa_diamond",
  "mmlu",
  "mmlu_pro",
  "arc_c",
  "gsm8k",
  "livecodebench",
  "apps",
  "taco",
  "numina",
] as const;

/** A handler name. */
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** A validated task configuration (SkyThought's `TaskConfig`, plus `description` and `version`). */
export interface TaskConfig {
  handler: HandlerName;
  dataset_path: string;
  dataset_subset: string | null;
  dataset_split: string | null;
  dataset_kwargs: Record<string, unknown>;
  question_key: string;
  answer_key: string | null;
  templating_parameters: Record<string, string>;
  preprocess_config: Record<string, unknown>;
  /** skyeval: one line shown by `list tasks`. */
  description?: string | undefined;
  /** skyeval: bumped whenever prompt, extraction or scoring changes. */
  version: number;
}

/** Schema of a task file. */
export const TaskConfigSchema: z.ZodType<TaskConfig> = z.strictObject({
  handler: z.enum(HANDLER_NAMES),
  dataset_path: z.string().min(1),
  dataset_subset: z.string().nullish().transform((v) => v ?? null),
  dataset_split: z.string().nullish().transform((v) => v ?? null),
  dataset_kwargs: z.record(z.string(), z.unknown()).default({}),
  question_key: z.string().min(1),
  answer_key: z.string().nullish().transform((v) => v ?? null),
  templating_parameters: z.record(z.string(), z.string()).default({}),
  preprocess_config: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? {}),
  /** skyeval: one line shown by `list tasks`. */
  description: z.string().optional(),
  /** skyeval: bumped whenever prompt, extraction or scoring changes. */
  version: z.number().int().positive().default(1),
});

/** A task: its name (the file's base name) and validated configuration. */
export interface TaskDefinition {
  name: string;
  config: TaskConfig;
  /** Where the definition came from: `builtin` or a file path. */
  source: string;
}
