/**
 * The samples of a run as a stream: how many there are, a hash of their
 * prompts, and the samples themselves, read as the run asks for them. A
 * list in memory is one kind; a dataset file read row by row is another.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { stableStringify } from "./hash.ts";
import type { PreparedSample } from "./prepare.ts";

/** Samples to run, in order, without holding them all. */
export interface SampleStream {
  /** How many samples `open` yields. */
  total: number;
  /** `hashValue(samples.map((s) => s.messages))`, computed without the list. */
  promptSha256: string;
  /** The samples, in order; each call starts afresh. */
  open(): Iterable<PreparedSample> | AsyncIterable<PreparedSample>;
}

/**
 * `hashValue` of a list of values, fed one value at a time: the same hex
 * digest as `hashValue(list)`.
 */
export class ListHasher {
  #hash: Hash = createHash("sha256").update("[");
  #count = 0;

  /** Adds the next value of the list. */
  add(value: unknown): void {
    this.#hash.update((this.#count++ ? "," : "") + stableStringify(value));
  }

  /** The digest of the list so far (ends the hasher). */
  hex(): string {
    return this.#hash.update("]").digest("hex");
  }
}

/** A stream over samples already in memory. */
export function sampleStreamOf(samples: readonly PreparedSample[]): SampleStream {
  const hasher = new ListHasher();
  for (const sample of samples) hasher.add(sample.messages);
  return { total: samples.length, promptSha256: hasher.hex(), open: () => samples };
}
