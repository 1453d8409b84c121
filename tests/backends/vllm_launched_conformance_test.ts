import { createBackend } from "../../backends/mod.ts";
import { writeFakeVllm } from "../support/fake_vllm_command.ts";
import { testBackendConformance } from "./backend_conformance.ts";

testBackendConformance({
  name: "vllm (launched)",
  model: "NovaSky-AI/Sky-T1-32B-Preview",
  multipleServers: false,
  continuesPrefill: true,
  sendsVllmDefaults: true,
  asksTokenIds: true,
  async create(urls, args) {
    const fake = await writeFakeVllm({ upstream: urls[0] });
    try {
      const backend = await createBackend(
        "vllm",
        "NovaSky-AI/Sky-T1-32B-Preview",
        { ...args, tensor_parallel_size: 8, startup_timeout: 60 },
        { vllmCommand: fake.command },
      );
      return { backend, cleanup: fake.cleanup };
    } catch (error) {
      await fake.cleanup();
      throw error;
    }
  },
});
