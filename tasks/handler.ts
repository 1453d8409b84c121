/**
 * A task handler turns dataset rows into samples: which rows to keep, the
 * prompt text, and what a response is scored against. Handlers are the
 * reference's handler classes as plain objects; task files pick one by name.
 *
 * @module
 */
import type { AnswerFormat } from "../scoring/answer/mod.ts";
import type { CodeFamily, CodeTests, LcbTest } from "../scoring/code/mod.ts";
import type { DatasetSource } from "../datasets/source.ts";
import type { TaskConfig } from "./schema.ts";

/** One dataset row. `_index` is its string position in the loaded split. */
export type Row = Record<string, unknown> & { _index: string };

/** What a math or multiple-choice response is scored against. */
export interface AnswerTarget {
  kind: "answer";
  format: AnswerFormat;
  gold: string;
  choices?: string[];
}

/** What a code response is run against. */
export interface CodeTarget {
  kind: "code";
  family: CodeFamily;
  tests: CodeTests | LcbTest[];
  starterCode?: string;
  fnName?: string;
}

/** The reference a response is scored against. */
export type Target = AnswerTarget | CodeTarget;

/** Services a handler may use while preparing rows. */
export interface PrepareContext {
  /** `--seed`: drives every shuffle (GPQA options). */
  seed: number;
  /** Loads a second dataset (NuminaMath's difficulty labels). */
  loadAuxiliary(source: DatasetSource): Promise<Record<string, unknown>[]>;
}

/** A handler: the task-specific logic behind a task file. */
export interface TaskHandler {
  /** Keeps, drops and remaps rows. Rows keep their `_index`. */
  prepare?(rows: Row[], config: TaskConfig, ctx: PrepareContext): Row[] | Promise<Row[]>;
  /** The user prompt for a row, before the model's user template. */
  prompt(row: Row, config: TaskConfig): string;
  /** What responses to this row are scored against. */
  target(row: Row, config: TaskConfig): Target;
}

/** Reads a required column, with a clear error naming the task's key. */
export function column(row: Row, key: string | null, role: string): unknown {
  if (key === null) throw new TypeError(`Task has no ${role} key`);
  if (!(key in row)) {
    throw new TypeError(
      `Row ${row._index} has no column "${key}" (the task's ${role} key); columns: ${
        Object.keys(row).filter((k) => k !== "_index").join(", ")
      }`,
    );
  }
  return row[key];
}

/** A template from the task file, with a clear error when it is missing. */
export function template(config: TaskConfig, name: string): string {
  const value = config.templating_parameters[name];
  if (value === undefined) throw new TypeError(`Task has no templating parameter "${name}"`);
  return value;
}

/** Column value as text (numbers such as AMC's `27.0` print as Python would). */
export function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isInteger(value) ? `${value}.0` : String(value);
  if (value === null || value === undefined) return "";
  return JSON.stringify(value);
}
