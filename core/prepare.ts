/**
 * From loaded dataset rows to samples: index rows (`_index` = string
 * position in the loaded split), let the task handler filter and remap
 * them, slice `start..end`, and build each conversation and target.
 *
 * @module
 */
import type { ChatMessage } from "../backends/backend.ts";
import type { ModelConfig } from "../models/model_config.ts";
import { HANDLERS } from "../tasks/handlers/mod.ts";
import type { PrepareContext, Row, Target } from "../tasks/handler.ts";
import type { TaskDefinition } from "../tasks/schema.ts";
import { buildConversation } from "./conversation.ts";

/** One sample ready to generate and score. */
export interface PreparedSample {
  id: string;
  row: Row;
  messages: ChatMessage[];
  target: Target;
}

/** Options for `prepareSamples`. */
export interface PrepareOptions extends PrepareContext {
  model: ModelConfig;
  start: number;
  /** Exclusive; zero or negative means to the end, as in the reference. */
  end: number;
}

/** Rows with their `_index`, as the reference numbers them. */
export function indexRows(rows: readonly Record<string, unknown>[]): Row[] {
  return rows.map((row, i) => ({ ...row, _index: String(i) }));
}

/**
 * Prepares samples from loaded rows.
 *
 * @throws {TypeError} when a row lacks a column the task needs.
 */
export async function prepareSamples(
  task: TaskDefinition,
  rows: readonly Record<string, unknown>[],
  options: PrepareOptions,
): Promise<PreparedSample[]> {
  const handler = HANDLERS[task.config.handler];
  let kept = indexRows(rows);
  if (handler.prepare) kept = await handler.prepare(kept, task.config, options);
  kept = options.end > 0 ? kept.slice(options.start, options.end) : kept.slice(options.start);
  return kept.map((row) => ({
    id: row._index,
    row,
    messages: buildConversation(handler.prompt(row, task.config), options.model),
    target: handler.target(row, task.config),
  }));
}

/** Targets of saved rows, for re-scoring (the rows already went through `prepare`). */
export function targetsOf(task: TaskDefinition, rows: readonly Row[]): Map<string, Target> {
  const handler = HANDLERS[task.config.handler];
  return new Map(rows.map((row) => [row._index, handler.target(row, task.config)]));
}
