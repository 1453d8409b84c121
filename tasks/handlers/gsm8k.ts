/**
 * `gsm8k`: grade-school math. The gold is the number after `#### ` in the
 * reference solution, without thousands separators.
 *
 * @module
 */
import { column, type TaskHandler, template, text } from "../handler.ts";
import { formatTemplate } from "../template.ts";

export const gsm8k: TaskHandler = {
  prompt(row, config) {
    const question = text(column(row, config.question_key, "question"));
    return formatTemplate(template(config, "template"), { ...row, prompt: question });
  },
  target(row, config) {
    const solution = text(column(row, config.answer_key, "answer"));
    const marker = solution.lastIndexOf("####");
    const gold = (marker >= 0 ? solution.slice(marker + 4) : solution).trim().replaceAll(",", "");
    return { kind: "answer", format: "gsm8k", gold };
  },
};
