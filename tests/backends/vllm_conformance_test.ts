import { createBackend } from "../../backends/mod.ts";
import { testBackendConformance } from "./backend_conformance.ts";

testBackendConformance({
  name: "vllm (base_url)",
  model: "Qwen/QwQ-32B",
  multipleServers: true,
  continuesPrefill: true,
  sendsVllmDefaults: true,
  asksTokenIds: true,
  async create(urls, args) {
    const backend = await createBackend("vllm", "Qwen/QwQ-32B", {
      ...args,
      base_url: urls.join(","),
    });
    return { backend };
  },
});

testBackendConformance({
  name: "vllm (base_url, stream=false)",
  model: "Qwen/QwQ-32B",
  multipleServers: true,
  continuesPrefill: true,
  sendsVllmDefaults: true,
  asksTokenIds: true,
  async create(urls, args) {
    const backend = await createBackend("vllm", "Qwen/QwQ-32B", {
      ...args,
      base_urls: urls,
      stream: false,
    });
    return { backend };
  },
});
