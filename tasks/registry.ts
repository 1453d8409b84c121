/**
 * Finding and loading task definitions: the built-in task files in
 * `tasks/builtin/`, any extra task folders, or a task file given by path.
 * Dropping a `<name>.yaml` into a task folder adds task `<name>`.
 *
 * Needs read access to the task folders (or the file).
 *
 * @module
 */
import { parse as parseYaml } from "npm:yaml@2.9.1";
import { type TaskConfig, TaskConfigSchema, type TaskDefinition } from "./schema.ts";

/** Folder of the built-in task files. */
export const BUILTIN_TASKS_DIR: URL = new URL("./builtin/", import.meta.url);

/** A task that could not be found or does not validate. */
export class TaskConfigError extends TypeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TaskConfigError";
  }
}

/** Options for finding tasks. */
export interface TaskSearchOptions {
  /** Extra folders searched before the built-in one. */
  dirs?: readonly (string | URL)[];
}

function folders(options: TaskSearchOptions): URL[] {
  const extra = (options.dirs ?? []).map((d) =>
    d instanceof URL ? d : new URL(`file://${absolute(d).replace(/\/?$/, "/")}`)
  );
  return [...extra, BUILTIN_TASKS_DIR];
}

function absolute(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
}

/** Whether `--task` names a file rather than a registered task. */
export function isTaskPath(task: string): boolean {
  return /\.(ya?ml|json)$/i.test(task) || task.includes("/");
}

/** Names of every task in the searched folders, sorted. */
export async function listTaskNames(options: TaskSearchOptions = {}): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of folders(options)) {
    try {
      for await (const entry of Deno.readDir(dir)) {
        const match = /^([^.]+)\.ya?ml$/.exec(entry.name);
        if (entry.isFile && match) names.add(match[1]);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return [...names].sort();
}

/**
 * Loads a task by registered name (case-insensitive) or by file path.
 *
 * @throws {TaskConfigError} when it is unknown or fails the schema.
 */
export async function loadTask(
  task: string,
  options: TaskSearchOptions = {},
): Promise<TaskDefinition> {
  if (isTaskPath(task)) {
    const path = absolute(task);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      throw new TaskConfigError(`Cannot read task file "${task}": ${(error as Error).message}`);
    }
    const name = path.split("/").pop()!.split(".")[0];
    return { name, config: parseTaskConfig(text, task), source: path };
  }
  const name = task.toLowerCase();
  for (const dir of folders(options)) {
    for (const ext of ["yaml", "yml"]) {
      const url = new URL(`${name}.${ext}`, dir);
      let text: string;
      try {
        text = await Deno.readTextFile(url);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) continue;
        throw error;
      }
      return {
        name,
        config: parseTaskConfig(text, url.pathname),
        source: dir === BUILTIN_TASKS_DIR ? "builtin" : url.pathname,
      };
    }
  }
  const known = await listTaskNames(options);
  const close = known.filter((k) => k.includes(name) || name.includes(k));
  throw new TaskConfigError(
    `Unknown task "${task}"${
      close.length ? `; did you mean ${close.join(", ")}?` : ""
    } (see "skyeval list tasks")`,
  );
}

/**
 * Parses and validates task-file text (YAML or JSON).
 *
 * @throws {TaskConfigError} naming the first invalid field.
 */
export function parseTaskConfig(text: string, where: string): TaskConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new TaskConfigError(
      `Task file "${where}" is not valid YAML: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const parsed = TaskConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.join(".") || "(top level)";
    throw new TaskConfigError(`Task file "${where}" is invalid at "${path}": ${issue.message}`);
  }
  return parsed.data;
}

/** Applies `--task-args` overrides (nested objects merge) and re-validates. */
export function withTaskArgs(
  config: TaskConfig,
  args: Record<string, unknown>,
  where: string,
): TaskConfig {
  const merged: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(args)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value;
  }
  const parsed = TaskConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TaskConfigError(
      `--task-args for "${where}" are invalid at "${issue.path.join(".")}": ${issue.message}`,
    );
  }
  return parsed.data;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
