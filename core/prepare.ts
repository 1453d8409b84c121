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
import { createHash } from "node:crypto";
import { DatasetError } from "../datasets/errors.ts";
import { buildConversation } from "./conversation.ts";
import { ListHasher, type SampleStream } from "./sample_stream.ts";

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

/** Rows read afresh on each call, each chunk of bytes read given to `feed`. */
export interface RowSource {
  rows(feed?: (chunk: Uint8Array) => void): AsyncIterable<Record<string, unknown>>;
}

/** A streamed run's samples and what identifies the data they came from. */
export interface StreamedSamples extends SampleStream {
  /** sha256 hex of the bytes read. */
  contentHash: string;
  /** Rows in the dataset. */
  rows: number;
}

/**
 * Prepares samples from rows too many to hold: one pass checks every
 * selected row (so a bad row fails before anything is written), counts
 * them and hashes the data and the prompts; `open` then prepares each
 * sample as the run asks for it. Only for handlers that keep every row as
 * it is (no `prepare` step), which `canStream` tells.
 *
 * @throws {TypeError} when a row lacks a column the task needs.
 */
export async function streamSamples(
  task: TaskDefinition,
  source: RowSource,
  options: PrepareOptions,
): Promise<StreamedSamples> {
  const handler = HANDLERS[task.config.handler];
  if (handler.prepare) {
    throw new TypeError(`Task handler "${task.config.handler}" needs all rows at once`);
  }
  const prepare = (row: Record<string, unknown>, index: number): PreparedSample => {
    const indexed: Row = { ...row, _index: String(index) };
    return {
      id: indexed._index,
      row: indexed,
      messages: buildConversation(handler.prompt(indexed, task.config), options.model),
      target: handler.target(indexed, task.config),
    };
  };
  const selected = (index: number) =>
    index >= options.start && (options.end <= 0 || index < options.end);
  const content = createHash("sha256");
  const prompts = new ListHasher();
  let rows = 0;
  let total = 0;
  for await (const row of source.rows((chunk) => content.update(chunk))) {
    if (selected(rows)) {
      prompts.add(prepare(row, rows).messages);
      total++;
    }
    rows++;
  }
  const contentHash = content.digest("hex");
  return {
    total,
    promptSha256: prompts.hex(),
    contentHash,
    rows,
    async *open() {
      // The file is read again: a file changed since the first pass would
      // mix two datasets in one run, so the bytes are hashed once more.
      const again = createHash("sha256");
      let index = 0;
      for await (const row of source.rows((chunk) => again.update(chunk))) {
        if (selected(index)) yield prepare(row, index);
        index++;
      }
      if (again.digest("hex") !== contentHash) {
        throw new DatasetError("The dataset file changed while the run was reading it");
      }
    },
  };
}

/** Whether a task's samples can be prepared one row at a time (`streamSamples`). */
export function canStream(task: TaskDefinition): boolean {
  return HANDLERS[task.config.handler].prepare === undefined;
}
