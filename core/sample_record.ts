/**
 * The record of one sample (one problem) as `samples.jsonl` stores it: the
 * dataset row, the conversation sent, every response and, once scored, its
 * verdict. One line per finished sample; a later line for the same id
 * supersedes an earlier one (re-scoring appends).
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { ChatMessage, CompletionTokensKind } from "../backends/backend.ts";
import type { TestVerdict, Verdict } from "./verdict.ts";

/** One response and, once scored, its verdict. */
export interface ResponseRecord {
  content: string;
  finish_reason: string | null;
  completion_tokens: number | null;
  /** How the count was made; absent when the server gave none (see `CompletionTokensKind`). */
  completion_tokens_kind?: CompletionTokensKind;
  /** The thinking, when the server's reasoning parser split it from `content`. */
  reasoning?: string;
  /** Tokens of the thinking, when the server reports them apart (part of `completion_tokens`). */
  reasoning_tokens?: number;
  /** SkyThought's key: `true`/`false`, `null` when unscored or not yet scored. */
  correctness: boolean | null;
  /** SkyThought's key: a human-readable reason ("" when correct). */
  reason: string;
  verdict?: Verdict;
  extracted?: string | null;
  tests?: TestVerdict[];
}

/** One sample: a dataset row with its conversation and n responses. */
export interface SampleRecord {
  id: string;
  row: Record<string, unknown>;
  messages: ChatMessage[];
  prompt_tokens: number | null;
  responses: ResponseRecord[];
  /** Wall time of the generation request, retries included. */
  latency_ms?: number;
  /** Set when generation failed for good (after retries): the sample is errored, not wrong. */
  error?: string;
  scored: boolean;
}

const ResponseSchema = z.looseObject({
  content: z.string(),
  finish_reason: z.string().nullable(),
  completion_tokens: z.number().nullable(),
  correctness: z.boolean().nullable(),
  reason: z.string(),
});

/** Schema of a `samples.jsonl` line. */
export const SampleRecordSchema = z.looseObject({
  id: z.string(),
  row: z.record(z.string(), z.unknown()),
  messages: z.array(
    z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() }),
  ),
  prompt_tokens: z.number().nullable(),
  responses: z.array(ResponseSchema),
  error: z.string().optional(),
  scored: z.boolean(),
});
