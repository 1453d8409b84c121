/**
 * Multiple-choice handlers: GPQA-Diamond, MMLU, MMLU-Pro, ARC-Challenge.
 * Each target carries the gold letter and the option texts, so a response
 * naming the option instead of its letter can still be graded.
 *
 * @module
 */
import { column, type Row, type TaskHandler, template, text } from "../handler.ts";
import type { TaskConfig } from "../schema.ts";
import { formatTemplate } from "../template.ts";
import { seededShuffle } from "../seeded_shuffle.ts";

const LETTERS = "ABCDEFGHIJKLMNOP";

function letter(index: number): string {
  const l = LETTERS[index];
  if (l === undefined) throw new RangeError(`Option index ${index} has no letter`);
  return l;
}

/** The task template filled with the row; `{prompt}` is the question, then `options` on its own line. */
function questionPrompt(row: Row, config: TaskConfig, options?: string): string {
  const question = text(column(row, config.question_key, "question"));
  const prompt = options === undefined ? question : `${question}\n${options}`;
  return formatTemplate(template(config, "template"), { ...row, prompt });
}

/**
 * `gpqa_diamond`: the correct answer and the three incorrect ones are
 * shuffled per problem with a generator seeded by `--seed` and the row, so
 * the order does not depend on which rows were selected or on run order.
 */
export const gpqaDiamond: TaskHandler = {
  prepare(rows, _config, ctx) {
    return rows.map((row) => {
      const options = [
        row["Correct Answer"],
        row["Incorrect Answer 1"],
        row["Incorrect Answer 2"],
        row["Incorrect Answer 3"],
      ].map((o) => text(o).trim());
      const order = seededShuffle([0, 1, 2, 3], `${ctx.seed}:${row._index}`);
      const shuffled = order.map((i) => options[i]);
      const answer = letter(order.indexOf(0));
      return { ...row, options: shuffled, Answer: answer };
    });
  },
  prompt(row, config) {
    const options = row.options as string[];
    return questionPrompt(row, config, options.map((o, i) => `${letter(i)}) ${o}`).join(", "));
  },
  target: (row) => ({
    kind: "answer",
    format: "choice",
    gold: String(row.Answer),
    choices: row.options as string[],
  }),
};

/** The question, then `Answer Choices: (A) x (B) y ...` on its own line (MMLU, MMLU-Pro). */
function listedChoicesPrompt(row: Row, config: TaskConfig, options: unknown[]): string {
  const listed = options.map((o, i) => `(${letter(i)}) ${text(o).trim()}`).join(" ");
  return questionPrompt(row, config, `Answer Choices: ${listed}`);
}

/** `mmlu`: `choices` list, integer `answer`. */
export const mmlu: TaskHandler = {
  prompt: (row, config) => listedChoicesPrompt(row, config, row.choices as unknown[]),
  target(row, config) {
    const options = (row.choices as unknown[]).map(text);
    const index = Number(column(row, config.answer_key, "answer"));
    return { kind: "answer", format: "choice", gold: letter(index), choices: options };
  },
};

/** `mmlu_pro`: `options` list (up to 10), `answer_index`. */
export const mmluPro: TaskHandler = {
  prompt: (row, config) => listedChoicesPrompt(row, config, row.options as unknown[]),
  target(row) {
    const options = (row.options as unknown[]).map(text);
    const index = Number(row.answer_index);
    return { kind: "answer", format: "mmlu_pro", gold: letter(index), choices: options };
  },
};

/** `arc_c`: `choices: {text, label}`; numeric labels 1-4 map to A-D. */
export const arcChallenge: TaskHandler = {
  prepare(rows) {
    return rows.map((row) => {
      const choices = row.choices as { text: unknown[]; label: unknown[] };
      const lines = choices.text.map((t, i) => `${arcLetter(choices.label[i])}.${text(t)}`);
      return { ...row, choices_text: lines.join("\n") };
    });
  },
  prompt: (row, config) => questionPrompt(row, config),
  target(row, config) {
    const choices = row.choices as { text: unknown[] };
    return {
      kind: "answer",
      format: "arc",
      gold: arcLetter(column(row, config.answer_key, "answer")),
      choices: choices.text.map(text),
    };
  },
};

function arcLetter(label: unknown): string {
  const l = text(label).trim();
  return /^[1-9]$/.test(l) ? letter(Number(l) - 1) : l;
}
