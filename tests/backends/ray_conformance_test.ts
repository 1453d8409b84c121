import { createBackend } from "../../backends/mod.ts";
import { startRayDashboard } from "../support/ray_dashboard_server.ts";
import { testBackendConformance } from "./backend_conformance.ts";

testBackendConformance({
  name: "ray (deployed through the Serve REST API)",
  model: "Qwen/Qwen2.5-7B-Instruct",
  multipleServers: true,
  continuesPrefill: true,
  sendsVllmDefaults: true,
  asksTokenIds: true,
  async create(urls, args) {
    const dashboard = await startRayDashboard({ deployDelayMs: 50 });
    try {
      const backend = await createBackend("ray", "Qwen/Qwen2.5-7B-Instruct", {
        ...args,
        // Reversed, so a dead server comes first where the suite adds one.
        base_urls: [...urls].reverse(),
        deploy: true,
        ray_address: dashboard.url,
        deploy_poll_interval: 0.02,
        tensor_parallel_size: 1,
        num_replicas: 8,
      });
      return { backend, cleanup: dashboard.close };
    } catch (error) {
      await dashboard.close();
      throw error;
    }
  },
});
