/**
 * Accuracy per value of a dataset field that groups problems: MATH-500's
 * `level` and `subject`, OlympiadBench's `subfield`, LiveCodeBench's
 * `difficulty`, MMLU-Pro's `category`. A field is kept only while it takes
 * few distinct values, so a free-text column that happens to share a name
 * does not become a thousand-row table. Pure.
 *
 * @module
 */

/** Row fields that group problems, in the order reports show them. */
export const BREAKDOWN_FIELDS: readonly string[] = [
  "level",
  "difficulty",
  "subject",
  "subfield",
  "category",
];

/** Above this many distinct values a field is not a grouping. */
const MAX_GROUPS = 64;

/** One group's figures. `accuracy` is the mean over its problems of their accuracy. */
export interface GroupStats {
  problems: number;
  responses: number;
  correct: number;
  accuracy: number;
}

/** The value of a breakdown field in a row, as a string; `null` when absent or not a scalar. */
export function groupValue(row: Record<string, unknown>, field: string): string | null {
  const value = row[field];
  if (typeof value === "string") return value.trim() === "" ? null : value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

/** Running per-field, per-value counts. */
export class BreakdownAccumulator {
  #groups = new Map<string, Map<string, GroupStats & { sum: number }>>();
  #dropped = new Set<string>();

  /** Adds one problem with its judged (`n`) and correct (`c`) responses. */
  add(row: Record<string, unknown>, n: number, c: number): void {
    if (n <= 0) return;
    for (const field of BREAKDOWN_FIELDS) {
      if (this.#dropped.has(field)) continue;
      const value = groupValue(row, field);
      if (value === null) continue;
      let groups = this.#groups.get(field);
      if (!groups) this.#groups.set(field, groups = new Map());
      let group = groups.get(value);
      if (!group) {
        if (groups.size >= MAX_GROUPS) {
          this.#dropped.add(field);
          this.#groups.delete(field);
          continue;
        }
        groups.set(value, group = { problems: 0, responses: 0, correct: 0, accuracy: 0, sum: 0 });
      }
      group.problems++;
      group.responses += n;
      group.correct += c;
      group.sum += c / n;
    }
  }

  /** `{field: {value: GroupStats}}`, values in natural order ("2" before "10"). */
  finish(): Record<string, Record<string, GroupStats>> {
    const out: Record<string, Record<string, GroupStats>> = {};
    const collator = new Intl.Collator("en", { numeric: true });
    for (const [field, groups] of this.#groups) {
      out[field] = Object.fromEntries(
        [...groups].sort(([a], [b]) => collator.compare(a, b)).map((
          [value, { sum, ...group }],
        ) => [value, { ...group, accuracy: sum / group.problems }]),
      );
    }
    return out;
  }
}
