/**
 * Building the conversation sent to the model: optional system prompt, the
 * user prompt through the model's user template, optional assistant prefill
 * that the model continues.
 *
 * @module
 */
import type { ChatMessage } from "../backends/backend.ts";
import type { ModelConfig } from "../models/model_config.ts";
import { formatTemplate } from "../tasks/template.ts";

/** Builds the messages for one prompt. */
export function buildConversation(prompt: string, model: ModelConfig): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (model.system_prompt) messages.push({ role: "system", content: model.system_prompt });
  const content = model.user_template ? formatTemplate(model.user_template, {}, [prompt]) : prompt;
  messages.push({ role: "user", content });
  if (model.assistant_prefill) {
    messages.push({ role: "assistant", content: model.assistant_prefill });
  }
  return messages;
}

/** The user message's text (the reference sometimes picked the prefill instead). */
export function userPrompt(messages: readonly ChatMessage[]): string {
  return messages.find((m) => m.role === "user")?.content ?? "";
}
