/**
 * Majority vote (maj@k, "self-consistency", Wang et al. 2022): the answer
 * extracted most often among a problem's first k responses stands for the
 * problem. Answers are compared as extracted text with whitespace collapsed;
 * responses with no extracted answer or no verdict do not vote. A tie goes
 * to the answer that appeared first, so the result never depends on map
 * order. Pure functions.
 *
 * @module
 */

/** One response's vote: its extracted answer and whether it was judged correct. */
export interface Vote {
  answer: string | null | undefined;
  correct: boolean | null;
}

/** The winning answer and whether it is correct, or `null` when nobody voted. */
export function majorityVote(votes: readonly Vote[]): { answer: string; correct: boolean } | null {
  // Insertion order is first appearance, so a strict ">" keeps the earlier answer on a tie.
  const tally = new Map<string, { count: number; correct: boolean }>();
  for (const vote of votes) {
    if (vote.answer === null || vote.answer === undefined || vote.correct === null) continue;
    const key = vote.answer.trim().replace(/\s+/g, " ");
    const entry = tally.get(key) ?? { count: 0, correct: vote.correct };
    entry.count++;
    tally.set(key, entry);
  }
  let best: { answer: string; correct: boolean } | null = null;
  let bestCount = 0;
  for (const [answer, { count, correct }] of tally) {
    if (count > bestCount) {
      best = { answer, correct };
      bestCount = count;
    }
  }
  return best;
}

/**
 * Running maj@k over problems for every k at once, so the k values can be
 * chosen when finishing: a problem counts for k when it has at least k
 * responses; it is correct when the vote over its first k responses picks a
 * correct answer (no vote at all counts as wrong).
 */
export class MajorityAccumulator {
  /** Index k − 1: problems with at least k responses, and those whose maj@k is correct. */
  #eligible: number[] = [];
  #correct: number[] = [];

  /** Adds one problem's votes, in response order. */
  add(votes: readonly Vote[]): void {
    if (votes.every((v) => v.correct === null)) return;
    const tally = new Map<string, { count: number; first: number; correct: boolean }>();
    let leader: { count: number; first: number; correct: boolean } | null = null;
    votes.forEach((vote, i) => {
      if (vote.answer !== null && vote.answer !== undefined && vote.correct !== null) {
        const key = vote.answer.trim().replace(/\s+/g, " ");
        let entry = tally.get(key);
        if (!entry) tally.set(key, entry = { count: 0, first: i, correct: vote.correct });
        entry.count++;
        // Only this entry changed: it leads if it has more votes, or as many and came first.
        if (
          !leader || entry.count > leader.count ||
          (entry.count === leader.count && entry.first < leader.first)
        ) leader = entry;
      }
      this.#eligible[i] = (this.#eligible[i] ?? 0) + 1;
      this.#correct[i] = (this.#correct[i] ?? 0) + (leader?.correct ? 1 : 0);
    });
  }

  /** `{"k=8": percent, ...}` for each of `ks` some problem was eligible for. */
  finish(ks: readonly number[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of ks) {
      const eligible = this.#eligible[k - 1] ?? 0;
      if (eligible > 0) out[`k=${k}`] = ((this.#correct[k - 1] ?? 0) / eligible) * 100;
    }
    return out;
  }
}
