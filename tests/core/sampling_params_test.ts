import { assertEquals, assertThrows } from "../support/assert.ts";
import { closestName, editDistance } from "../../core/closest_name.ts";
import { checkSamplingParams, KNOWN_SAMPLING_KEYS } from "../../core/sampling_params.ts";

Deno.test("editDistance() counts a transposition as one edit", () => {
  assertEquals(editDistance("temprature", "temperature"), 1);
  assertEquals(editDistance("top_p", "pot_p"), 2);
  assertEquals(editDistance("", "abc"), 3);
});

Deno.test("closestName() finds the sampling key a typo meant, and nothing for a stranger", () => {
  assertEquals(closestName("temprature", KNOWN_SAMPLING_KEYS), "temperature");
  assertEquals(closestName("max_token", KNOWN_SAMPLING_KEYS), "max_tokens");
  assertEquals(closestName("TOP_K", KNOWN_SAMPLING_KEYS), "top_k");
  assertEquals(closestName("flux_capacitor", KNOWN_SAMPLING_KEYS), null);
});

Deno.test("checkSamplingParams() flattens extra_body, which may set a defaulted key", () => {
  assertEquals(
    checkSamplingParams({ temperature: 0, extra_body: { temperature: 0.6, my_knob: [1] } }),
    { temperature: 0.6, my_knob: [1] },
  );
  assertThrows(() => checkSamplingParams({ extra_body: 3 }), TypeError, "expected a dictionary");
  assertThrows(
    () => checkSamplingParams({ extra_body: { top_p: 2 } }),
    TypeError,
    `"top_p" = 2`,
  );
});
