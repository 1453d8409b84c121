/**
 * Scoring sample records against their targets: answer targets through one
 * batched grader call (native or TypeScript), code targets through the
 * sandboxed code scorer.
 *
 * @module
 */
import type { AnswerGrader, AnswerItem } from "../scoring/answer/mod.ts";
import type { CodeScorer } from "../scoring/code/mod.ts";
import type { Target } from "../tasks/handler.ts";
import type { ResponseRecord, SampleRecord } from "./sample_record.ts";
import type { Score } from "./verdict.ts";

/** The scorers a run uses. Code scoring starts lazily (it spawns sandboxes). */
export interface Scorers {
  answer: AnswerGrader;
  code?: () => Promise<CodeScorer>;
}

/** SkyThought's `reason` text for a verdict; `verdict` itself carries the detail. */
function reasonOf(score: Score): string {
  switch (score.verdict) {
    case "correct":
      return "";
    case "incorrect":
    case "no_answer":
      return "Solution is incorrect.";
    case "truncated":
      return "Solution is incorrect: the response was truncated at max_tokens before an answer.";
    case "no_code":
      return "Does not contain code component.";
    case "grader_error":
    case "infra_error":
      return score.detail ?? score.verdict;
    default:
      return "Code is incorrect.";
  }
}

function apply(response: ResponseRecord, score: Score): ResponseRecord {
  return {
    ...response,
    correctness: score.correct,
    reason: reasonOf(score),
    verdict: score.verdict,
    extracted: score.extracted,
    ...(score.tests ? { tests: score.tests } : {}),
  };
}

/**
 * Scores records. Every response of every record gets a verdict; records
 * that failed generation stay as they are.
 */
export async function scoreSamples(
  records: readonly SampleRecord[],
  targets: ReadonlyMap<string, Target>,
  scorers: Scorers,
): Promise<SampleRecord[]> {
  const items: AnswerItem[] = [];
  const slots: { record: number; response: number }[] = [];
  const out = records.map((r) => ({ ...r, responses: [...r.responses] }));
  const codeJobs: Promise<void>[] = [];
  let codeScorer: Promise<CodeScorer> | undefined;

  out.forEach((record, ri) => {
    const target = targets.get(record.id);
    if (!target) throw new TypeError(`Sample "${record.id}" has no target to score against`);
    record.responses.forEach((response, si) => {
      if (target.kind === "answer") {
        items.push({
          response: response.content,
          gold: target.gold,
          format: target.format,
          ...(target.choices ? { choices: target.choices } : {}),
          finishReason: response.finish_reason,
        });
        slots.push({ record: ri, response: si });
        return;
      }
      if (!scorers.code) throw new TypeError("This task needs a code scorer, and none was given");
      codeScorer ??= scorers.code();
      codeJobs.push(
        codeScorer.then((scorer) =>
          scorer.score({
            response: response.content,
            family: target.family,
            tests: target.tests,
            ...(target.starterCode ? { starterCode: target.starterCode } : {}),
            ...(target.fnName ? { fnName: target.fnName } : {}),
            finishReason: response.finish_reason,
          })
        ).then((score) => {
          record.responses[si] = apply(response, score);
        }),
      );
    });
    record.scored = true;
  });

  const scores = items.length ? scorers.answer.grade(items) : [];
  scores.forEach((score, i) => {
    const { record, response } = slots[i];
    out[record].responses[response] = apply(out[record].responses[response], score);
  });
  await Promise.all(codeJobs);
  return out;
}
