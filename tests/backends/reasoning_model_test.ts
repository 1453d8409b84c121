import assert from "node:assert/strict";
import { isReasoningModel, rejectsInstructionRoles } from "../../backends/reasoning_model.ts";

Deno.test("isReasoningModel() recognises o-series and gpt-5 models by the protocol rules", () => {
  const reasoning = [
    "o1",
    "o1-mini",
    "o1-preview",
    "o3",
    "o3-mini-2025-01-31",
    "o4-mini",
    "openai/o3",
    "gpt-5",
    "gpt-5-mini",
    "gpt-5.1",
    "GPT-5-nano",
  ];
  const chat = [
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-5-chat-latest",
    "gpt-4.1",
    "Qwen/QwQ-32B",
    "omni-model",
    "o",
    "gpt-50",
  ];
  for (const model of reasoning) assert.equal(isReasoningModel(model), true, model);
  for (const model of chat) assert.equal(isReasoningModel(model), false, model);
});

Deno.test("rejectsInstructionRoles() singles out the first o1 previews", () => {
  assert.equal(rejectsInstructionRoles("o1-mini"), true);
  assert.equal(rejectsInstructionRoles("openai/o1-preview-2024-09-12"), true);
  assert.equal(rejectsInstructionRoles("o1"), false);
  assert.equal(rejectsInstructionRoles("o3-mini"), false);
});
