/**
 * skyeval: evaluate LLMs on reasoning benchmarks (competition math, multiple
 * choice, code), as a library. Importing this module needs no permissions.
 *
 * @module
 */
export * from "./core/verdict.ts";
