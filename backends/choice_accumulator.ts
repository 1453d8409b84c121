/**
 * Collects the `n` choices of one chat completion, streamed (parsed chunks)
 * or not, in the shape the token counts and results need: text, vLLM's
 * `reasoning` (or `reasoning_content`), the finish reason, vLLM's per-choice `token_ids` count, and how many streamed
 * deltas carried text. A stream cut before `[DONE]` ends without an error,
 * so a choice with no finish reason is what shows the cut.
 *
 * @module
 */

/** One assembled choice. */
export interface ChoiceRecord {
  index: number;
  content: string;
  reasoning: string;
  finishReason: string | null;
  /** Length of vLLM's `token_ids` for this choice, when the server sent them. */
  tokenIds: number | null;
  /** Streamed deltas that carried text (0 for a non-streamed answer). */
  chunks: number;
}

/** The server's `usage`, as far as it gave it. */
export interface ReportedUsage {
  promptTokens: number | null;
  completionTokens: number | null;
}

/** The assembled answer. */
export interface AssembledChoices {
  choices: ChoiceRecord[];
  usage: ReportedUsage;
}

type Json = Record<string, unknown>;

/** Accumulates chunks (or one whole response) into {@linkcode AssembledChoices}. */
export class ChoiceAccumulator {
  #choices = new Map<number, ChoiceRecord>();
  #usage: ReportedUsage = { promptTokens: null, completionTokens: null };
  #problem: string | null = null;

  /** Adds one streamed chunk. */
  addChunk(chunk: Json): void {
    this.#addUsage(chunk.usage);
    for (const raw of arrayOf(chunk.choices)) {
      const choice = this.#choice(raw);
      const delta = (raw.delta ?? {}) as Json;
      let carried = false;
      if (typeof delta.content === "string" && delta.content !== "") {
        choice.content += delta.content;
        carried = true;
      }
      const reasoning = delta.reasoning ?? delta.reasoning_content;
      if (typeof reasoning === "string" && reasoning !== "") {
        choice.reasoning += reasoning;
        carried = true;
      }
      if (carried) choice.chunks += 1;
      this.#addEnd(choice, raw);
    }
  }

  /** Adds a whole (non-streamed) response body. */
  addResponse(parsed: unknown): void {
    const body = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Json;
    if (!Array.isArray(body.choices)) {
      const error = body.error as { message?: unknown } | string | undefined;
      this.#problem = error === undefined
        ? `answered with a body that has no "choices": ${JSON.stringify(parsed).slice(0, 200)}`
        : `answered 200 with an error: ${
          typeof error === "string" ? error : String(error.message ?? JSON.stringify(error))
        }`;
      return;
    }
    this.#addUsage(body.usage);
    for (const raw of arrayOf(body.choices)) {
      const choice = this.#choice(raw);
      const message = (raw.message ?? {}) as Json;
      if (typeof message.content === "string") choice.content = message.content;
      const reasoning = message.reasoning ?? message.reasoning_content;
      if (typeof reasoning === "string") choice.reasoning = reasoning;
      this.#addEnd(choice, raw);
    }
  }

  /** The `n` choices in index order, or what is wrong with the answer. */
  finish(n: number): AssembledChoices | string {
    if (this.#problem) return this.#problem;
    const choices = [...this.#choices.values()].sort((a, b) => a.index - b.index);
    if (choices.length !== n) return `returned ${choices.length} choices for n = ${n}`;
    if (choices.some((c) => c.finishReason === null)) {
      return "ended the stream before every choice finished";
    }
    return { choices, usage: this.#usage };
  }

  #choice(raw: Json): ChoiceRecord {
    const index = typeof raw.index === "number" ? raw.index : 0;
    let choice = this.#choices.get(index);
    if (!choice) {
      choice = { index, content: "", reasoning: "", finishReason: null, tokenIds: null, chunks: 0 };
      this.#choices.set(index, choice);
    }
    return choice;
  }

  #addEnd(choice: ChoiceRecord, raw: Json): void {
    if (typeof raw.finish_reason === "string") choice.finishReason = raw.finish_reason;
    if (Array.isArray(raw.token_ids)) {
      choice.tokenIds = (choice.tokenIds ?? 0) + raw.token_ids.length;
    }
  }

  #addUsage(usage: unknown): void {
    if (!usage || typeof usage !== "object") return;
    const { prompt_tokens, completion_tokens } = usage as Json;
    if (typeof prompt_tokens === "number") this.#usage.promptTokens = prompt_tokens;
    if (typeof completion_tokens === "number") this.#usage.completionTokens = completion_tokens;
  }
}

function arrayOf(value: unknown): Json[] {
  return Array.isArray(value) ? value as Json[] : [];
}
