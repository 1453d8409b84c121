/**
 * Code handlers: LiveCodeBench, APPS, TACO. Prompts follow the reference
 * (with LiveCodeBench's starter code included, which the reference dropped);
 * targets carry the tests in the form each family's runner expects.
 *
 * @module
 */
import type { CodeTests, LcbTest } from "../../scoring/code/mod.ts";
import { parsePythonLiteral } from "../../core/python_literal.ts";
import { column, type Row, type TaskHandler, template, text } from "../handler.ts";
import { formatTemplate } from "../template.ts";
import { decodeLcbPrivateTests } from "../lcb_private_tests.ts";

/** Parses a JSON or Python-literal column (datasets store tests both ways). */
function literal(value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (value.trim() === "") return null;
  return parsePythonLiteral(value);
}

function difficultyFilter(rows: Row[], difficulty: unknown): Row[] {
  if (difficulty === undefined || difficulty === null || difficulty === "") return rows;
  const wanted = new Set(
    (Array.isArray(difficulty) ? difficulty : [difficulty]).map((d) => String(d).toLowerCase()),
  );
  return rows.filter((row) => wanted.has(String(row.difficulty).toLowerCase()));
}

function lcbTests(row: Row): LcbTest[] {
  return row.test as LcbTest[];
}

/**
 * `livecodebench`: remaps rows as the reference does (`prompt`, `test`,
 * `entry_point`, `task_id`, `is_stdin`), with the public and the decoded
 * private tests together, as the official LiveCodeBench evaluation runs them,
 * and `private_test_count`.
 */
export const livecodebench: TaskHandler = {
  async prepare(rows, config) {
    const kept = difficultyFilter(rows, config.preprocess_config.difficulty);
    const out: Row[] = [];
    for (const row of kept) {
      const publicTests = (literal(row.public_test_cases) ?? []) as LcbTest[];
      const privateTests = await decodeLcbPrivateTests(row.private_test_cases);
      // The encoded private tests are dropped once decoded into `test` (the
      // reference meant to drop them too): they are the bulk of each row.
      const { private_test_cases: _encoded, ...rest } = row;
      out.push({
        ...rest,
        private_test_count: privateTests.length,
        prompt: text(row.question_content),
        test: [...publicTests, ...privateTests],
        entry_point: text(row.starter_code),
        task_id: row.question_id,
        is_stdin: publicTests.some((t) => t.testtype === "stdin"),
      });
    }
    return out;
  },
  prompt(row, config) {
    const name = row.is_stdin ? "stdin_template" : "non_stdin_template";
    const starter = text(row.entry_point);
    const body = formatTemplate(template(config, name), { ...row, prompt: text(row.prompt) });
    return starter ? `${body}\n${starter}` : body;
  },
  target(row) {
    const starter = text(row.entry_point);
    const tests = lcbTests(row);
    const fnName = (tests.find((t) => t.testtype === "functional") as
      | { metadata?: { func_name?: string } }
      | undefined)
      ?.metadata?.func_name ?? /def\s+(\w+)\s*\(/.exec(starter)?.[1];
    return {
      kind: "code",
      family: "livecodebench",
      tests,
      ...(starter ? { starterCode: starter } : {}),
      ...(fnName ? { fnName } : {}),
    };
  },
};

function appsTests(row: Row): CodeTests {
  const io = (literal(row.input_output) ?? { inputs: [], outputs: [] }) as CodeTests;
  return {
    inputs: io.inputs ?? [],
    outputs: io.outputs ?? [],
    ...(io.fn_name ? { fn_name: io.fn_name } : {}),
  };
}

/** The target of a problem whose tests are in APPS `input_output` form. */
function appsFormTarget(family: "apps" | "taco"): TaskHandler["target"] {
  return (row) => {
    const starter = text(row.starter_code);
    return {
      kind: "code",
      family,
      tests: appsTests(row),
      ...(starter ? { starterCode: starter } : {}),
    };
  };
}

/** `apps`: stdin or call-based (`fn_name`) problems. */
export const apps: TaskHandler = {
  prepare: (rows, config) => difficultyFilter(rows, config.preprocess_config.difficulty),
  prompt(row, config) {
    const tests = appsTests(row);
    const name = tests.fn_name ? "with_fn_name_template" : "without_fn_name_template";
    const question = text(column(row, config.question_key, "question"));
    return formatTemplate(template(config, name), {
      ...row,
      prompt: question,
      input: question,
      starter_code: text(row.starter_code),
    });
  },
  target: appsFormTarget("apps"),
};

/** `taco`: the reference's QUESTION/ANSWER layout. */
export const taco: TaskHandler = {
  prepare: (rows, config) => difficultyFilter(rows, config.preprocess_config.difficulty),
  prompt(row, config) {
    const tests = appsTests(row);
    const starter = text(row.starter_code);
    const question = text(column(row, config.question_key, "question"));
    let prompt = formatTemplate(template(config, "initial_template"), { ...row, prompt: question });
    if (starter) {
      prompt += formatTemplate(template(config, "starter_code_template"), {
        starter_code: starter,
      });
    }
    const format = !tests.fn_name && !starter ? "stdin_template" : "call_template";
    return prompt + template(config, format);
  },
  target: appsFormTarget("taco"),
};
