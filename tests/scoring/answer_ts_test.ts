import { tsAnswerGrader } from "../../scoring/answer/mod.ts";
import { registerAnswerConformance } from "./answer_conformance.ts";

registerAnswerConformance("ts", tsAnswerGrader);
