/**
 * The handler registry: task files name a handler by its reference key.
 *
 * @module
 */
import type { TaskHandler } from "../handler.ts";
import type { HANDLER_NAMES } from "../schema.ts";
import { aime, math, minervamath, numina, olympiadbenchMath } from "./math.ts";
import { arcChallenge, gpqaDiamond, mmlu, mmluPro } from "./choice.ts";
import { gsm8k } from "./gsm8k.ts";
import { apps, livecodebench, taco } from "./code.ts";

/** Handler by name. */
export const HANDLERS: Record<(typeof HANDLER_NAMES)[number], TaskHandler> = {
  aime,
  amc23: aime,
  math,
  minervamath,
  olympiadbench_math: olympiadbenchMath,
  omni_math: math,
  liveaops: math,
  gpqa_diamond: gpqaDiamond,
  mmlu,
  mmlu_pro: mmluPro,
  arc_c: arcChallenge,
  gsm8k,
  livecodebench,
  apps,
  taco,
  numina,
};
