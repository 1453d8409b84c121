export * from "../tests/support/openai_server.ts";
