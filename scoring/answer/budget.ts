/**
 * A deterministic work budget: the time bound of the grader. Every costly
 * step (a token, an evaluated node, a big-number operation) spends units; a
 * grade that runs out becomes `grader_error`. Counting work instead of
 * reading a clock gives the TypeScript and Rust twins the same verdicts.
 * 10,000 units (85 times what any real answer in the shared generations needs)
 * take well under 50 ms on either path (bench/grade_bench.ts
 * measures the slowest adversarial inputs).
 *
 * @module
 */

/** Units one response may spend. */
export const GRADE_BUDGET = 10_000;

/** Thrown when a grade spends more than its budget. */
export class BudgetExceeded extends Error {
  constructor() {
    super("Grading exceeded its work budget");
    this.name = "BudgetExceeded";
  }
}

/**
 * Which equivalence rules a grade follows: `skyeval` (the default, right
 * where the reference is wrong) or `skythought`, the reference's own
 * leniencies, kept to reproduce its published numbers: a 1e-4 relative
 * tolerance on numbers, percentages scaled by 100 without a `%` sign, and
 * interval brackets ignored.
 */
export type GraderMode = "skyeval" | "skythought";

/** Every grader mode, default first. */
export const GRADER_MODES: readonly GraderMode[] = ["skyeval", "skythought"];

/** The remaining work units of one grade, and the rules it follows. */
export class Budget {
  left: number;
  readonly mode: GraderMode;
  constructor(units: number = GRADE_BUDGET, mode: GraderMode = "skyeval") {
    this.left = units;
    this.mode = mode;
  }
  /** Spends `units`; throws BudgetExceeded when the budget is gone. */
  spend(units: number): void {
    this.left -= units;
    if (this.left < 0) throw new BudgetExceeded();
  }
}
