/**
 * The answers every backend test server gives, so a test can predict them:
 * choice `i` of `n` says `answer <i> to: <last user message>` followed by
 * `i` extra words (choices differ in length), and a prefilled assistant turn
 * is continued with `continued after: <prefill>`.
 *
 * @module
 */

import type { ChatRequestBody, FakeAnswer } from "../../testing/openai_server.ts";

/** The standard answers for `req`, one per choice. */
export function standardAnswer(req: ChatRequestBody): FakeAnswer[] {
  const n = req.n ?? 1;
  const last = req.messages.at(-1);
  if (req.continue_final_message === true && last?.role === "assistant") {
    return Array.from({ length: n }, () => ({ text: `continued after: ${last.content}` }));
  }
  const prompt = req.messages.findLast((m) => m.role === "user")?.content ?? "";
  return Array.from({ length: n }, (_, i) => ({
    text: [`answer ${i} to: ${prompt}`, ...Array.from({ length: i }, () => "more")].join(" "),
  }));
}
