/**
 * `skyeval list tasks|models|prompts`.
 *
 * @module
 */
import { loadModelCatalog } from "../models/model_config.ts";
import { listTaskNames, loadTask } from "../tasks/registry.ts";
import { parseFlags } from "./flags.ts";
import { type CommandIO, UsageError } from "./io.ts";

/** Help text for `list`. */
export const LIST_HELP = `Usage: skyeval list tasks|models|prompts [--tasks-dir DIR]

  tasks     every task: name, handler, dataset, description
  models    models with a preset system prompt, user template or prefill
  prompts   named system prompts for --system-prompt-name`;

/** Runs `list`; returns the exit code. */
export async function runList(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseFlags("list", args, {
    "tasks-dir": { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  }, true);
  if (values.help) {
    io.print(LIST_HELP);
    return 0;
  }
  const what = positionals[0];
  const dirs = values["tasks-dir"] ?? [];
  if (what === "tasks") {
    for (const name of await listTaskNames({ dirs })) {
      const { config } = await loadTask(name, { dirs });
      const data = [config.dataset_path, config.dataset_subset, config.dataset_split].filter(
        Boolean,
      ).join(" ");
      io.print(
        `${name.padEnd(24)} ${config.handler.padEnd(19)} ${data}${
          config.description ? `\n${"".padEnd(25)}${config.description}` : ""
        }`,
      );
    }
    return 0;
  }
  const catalog = await loadModelCatalog();
  if (what === "models") {
    for (const [id, entry] of Object.entries(catalog.models)) {
      const details = [
        entry.system_prompt ? `system prompt: ${entry.system_prompt}` : null,
        entry.user_template ? `user template: ${JSON.stringify(entry.user_template)}` : null,
        entry.assistant_prefill ? `prefill: ${JSON.stringify(entry.assistant_prefill)}` : null,
      ].filter(Boolean);
      io.print(`${id.padEnd(34)} ${details.join("; ")}`);
    }
    return 0;
  }
  if (what === "prompts") {
    for (const [name, text] of Object.entries(catalog.systemPrompts)) {
      const first = text.split("\n")[0];
      io.print(`${name.padEnd(12)} ${first.length > 100 ? first.slice(0, 97) + "..." : first}`);
    }
    return 0;
  }
  throw new UsageError(
    `list: expected tasks, models or prompts, got ${what ? `"${what}"` : "nothing"}`,
  );
}
