/**
 * Math handlers: MATH-500, AIME, AMC, Minerva, OlympiadBench, Omni-MATH,
 * LiveAoPS, NuminaMath. The prompt is the task's `template` filled with the
 * row (the question column, also available as `{prompt}`); the gold answer
 * is normalized by the grader for every task (the reference left Omni-MATH
 * and LiveAoPS references raw).
 *
 * @module
 */
import { extractMathAnswer } from "../../scoring/answer/mod.ts";
import { column, type Row, type TaskHandler, template, text } from "../handler.ts";
import type { TaskConfig } from "../schema.ts";
import { formatTemplate } from "../template.ts";

function mathPrompt(row: Row, config: TaskConfig): string {
  const question = text(column(row, config.question_key, "question"));
  return formatTemplate(template(config, "template"), { ...row, prompt: question });
}

function answerTarget(gold: string) {
  return { kind: "answer", format: "math", gold } as const;
}

/** Keeps rows whose `url` column contains `preprocess_config.url` (AIME, AMC years). */
function urlFilter(rows: Row[], config: TaskConfig): Row[] {
  const needle = config.preprocess_config.url;
  if (needle === undefined || needle === null) return rows;
  return rows.filter((row) => String(row.url ?? "").includes(String(needle)));
}

/** `math`: MATH-500 and plain answer-key tasks. */
export const math: TaskHandler = {
  prompt: mathPrompt,
  target: (row, config) => answerTarget(text(column(row, config.answer_key, "answer"))),
};

/** `aime` and `amc23`: the url-year filter, then plain answers. */
export const aime: TaskHandler = { ...math, prepare: urlFilter };

/**
 * `minervamath`: the gold is the boxed answer of the reference solution.
 * (The reference's YAML used the plain math handler, which compared against
 * the whole normalized solution text.)
 */
export const minervamath: TaskHandler = {
  prompt: mathPrompt,
  target(row, config) {
    const solution = text(column(row, config.answer_key, "answer"));
    return answerTarget(extractMathAnswer(solution) ?? solution);
  },
};

/** `olympiadbench_math`: `final_answer` is a list; its first element is the gold. */
export const olympiadbenchMath: TaskHandler = {
  prompt: mathPrompt,
  target(row, config) {
    const answer = column(row, config.answer_key, "answer");
    return answerTarget(text(Array.isArray(answer) ? answer[0] : answer));
  },
};

/**
 * `numina`: filter by `source`, keep solutions with a boxed answer, and
 * optionally keep a difficulty band from the labelled difficulty dataset.
 */
export const numina: TaskHandler = {
  async prepare(rows, config, ctx) {
    const p = config.preprocess_config;
    let kept = p.source ? rows.filter((row) => row.source === p.source) : rows;
    kept = kept.filter((row) => text(row[config.answer_key ?? "solution"]).includes("boxed"));
    if (p.filter_difficulty) {
      const labels = await ctx.loadAuxiliary({
        kind: "hub",
        repo: String(p.difficulty_dataset ?? "NovaSky-AI/labeled_numina_difficulty_859K"),
        split: "train",
      });
      const difficulty = new Map<string, number>();
      for (const label of labels) {
        difficulty.set(String(label.problem), Number(label.gpt_difficulty_parsed));
      }
      const lower = Number(p.math_difficulty_lower_bound ?? -Infinity);
      const upper = Number(p.math_difficulty_upper_bound ?? Infinity);
      kept = kept.filter((row) => {
        const d = difficulty.get(text(row[config.question_key]));
        return d !== undefined && d >= lower && d <= upper;
      });
    }
    return kept;
  },
  prompt: mathPrompt,
  target: minervamath.target,
};
