import { createBackend } from "../../backends/mod.ts";
import { testBackendConformance } from "./backend_conformance.ts";

testBackendConformance({
  name: "openai",
  model: "gpt-4o-mini",
  multipleServers: true,
  continuesPrefill: false,
  sendsVllmDefaults: false,
  asksTokenIds: false,
  async create(urls, args) {
    const backend = await createBackend("openai", "gpt-4o-mini", { ...args, base_urls: urls }, {
      env: { openaiApiKey: "sk-test" },
    });
    return { backend };
  },
});

testBackendConformance({
  name: "openai (stream=false)",
  model: "gpt-4o-mini",
  multipleServers: true,
  continuesPrefill: false,
  sendsVllmDefaults: false,
  asksTokenIds: false,
  async create(urls, args) {
    const backend = await createBackend(
      "openai",
      "gpt-4o-mini",
      { ...args, base_urls: urls, stream: false },
      { env: { openaiApiKey: "sk-test" } },
    );
    return { backend };
  },
});
