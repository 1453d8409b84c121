/**
 * A fake Ray dashboard speaking the Serve REST API (protocols.md 3.1) on a
 * real socket: `PUT /api/serve/applications/` validates the minimal schema
 * (400 text otherwise) and declaratively replaces the app list, each new or
 * changed app goes DEPLOYING then RUNNING (or DEPLOY_FAILED) after a delay;
 * `GET` returns `ServeInstanceDetails`; `DELETE` removes every app;
 * `GET /api/ray/version` answers. No GPU or Ray is needed.
 *
 * @module
 */

/** Options of {@linkcode startRayDashboard}. */
export interface RayDashboardOptions {
  /** Time an app stays DEPLOYING, ms. */
  deployDelayMs?: number;
  /** When set, apps end DEPLOY_FAILED with this deployment message. */
  failWith?: string;
  /** Apps present before the test (as `deployed_app_config` documents). */
  existing?: Record<string, unknown>[];
}

/** A running fake dashboard. */
export interface RayDashboard {
  /** e.g. `http://127.0.0.1:41234` (the real one listens on 8265). */
  url: string;
  /** Bodies of every accepted PUT. */
  puts: { applications: Record<string, unknown>[] }[];
  /** Current app statuses by name. */
  statuses(): Record<string, string>;
  close(): Promise<void>;
}

interface AppState {
  config: Record<string, unknown>;
  status: string;
  message: string;
  readyAt: number;
}

/** Starts the fake dashboard on 127.0.0.1, port 0. */
export function startRayDashboard(options: RayDashboardOptions = {}): Promise<RayDashboard> {
  const apps = new Map<string, AppState>();
  for (const config of options.existing ?? []) {
    apps.set(String(config.name), { config, status: "RUNNING", message: "", readyAt: 0 });
  }
  const puts: RayDashboard["puts"] = [];

  function refresh(): void {
    for (const app of apps.values()) {
      if (app.status === "DEPLOYING" && Date.now() >= app.readyAt) {
        app.status = options.failWith ? "DEPLOY_FAILED" : "RUNNING";
        app.message = options.failWith ? "Deploying app failed." : "";
      }
    }
  }

  function details(): Record<string, unknown> {
    refresh();
    const applications: Record<string, unknown> = {};
    for (const [name, app] of apps) {
      const llmConfigs =
        ((app.config.args as { llm_configs?: unknown[] } | undefined)?.llm_configs ??
          []) as Record<string, unknown>[];
      const deployments = Object.fromEntries(
        llmConfigs.map((_, i) => [`LLMServer:${i}`, {
          name: `LLMServer:${i}`,
          status: app.status === "RUNNING"
            ? "HEALTHY"
            : app.status === "DEPLOY_FAILED"
            ? "DEPLOY_FAILED"
            : "UPDATING",
          status_trigger: "CONFIG_UPDATE_STARTED",
          message: app.status === "DEPLOY_FAILED" ? options.failWith : "",
          replicas: [],
        }]),
      );
      applications[name] = {
        name,
        route_prefix: app.config.route_prefix ?? "/",
        docs_path: null,
        status: app.status,
        message: app.message,
        last_deployed_time_s: Date.now() / 1000,
        deployed_app_config: app.config,
        source: "declarative",
        deployments,
      };
    }
    return {
      controller_info: {},
      proxy_location: "EveryNode",
      http_options: { host: "0.0.0.0", port: 8000 },
      grpc_options: { port: 9000, grpc_servicer_functions: [] },
      proxies: {},
      deploy_mode: "MULTI_APP",
      target_capacity: null,
      applications,
    };
  }

  function validate(body: unknown): string | null {
    if (
      typeof body !== "object" || body === null ||
      !Array.isArray((body as { applications?: unknown }).applications)
    ) {
      return "1 validation error for ServeDeploySchema\napplications\n  field required";
    }
    const seenNames = new Set<string>();
    const seenRoutes = new Set<string>();
    for (const app of (body as { applications: Record<string, unknown>[] }).applications) {
      if (typeof app.import_path !== "string" || !/^[\w.]+[:.]\w+$/.test(app.import_path)) {
        return "1 validation error for ServeApplicationSchema\nimport_path\n  field required";
      }
      const route = String(app.route_prefix ?? "/");
      if (!route.startsWith("/") || (route !== "/" && route.endsWith("/")) || /[{}]/.test(route)) {
        return `1 validation error for ServeApplicationSchema\nroute_prefix\n  Invalid route_prefix "${route}"`;
      }
      const name = String(app.name ?? "default");
      if (seenNames.has(name)) return `Found multiple applications with the name "${name}"`;
      if (seenRoutes.has(route)) {
        return `Found multiple applications with the route_prefix "${route}"`;
      }
      seenNames.add(name);
      seenRoutes.add(route);
    }
    return null;
  }

  async function handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === "/api/ray/version") {
      return Response.json({
        version: "4",
        ray_version: "2.49.0",
        ray_commit: "fake",
        session_name: "fake",
      });
    }
    if (path !== "/api/serve/applications/") return new Response("Not Found", { status: 404 });
    if (request.method === "GET") return Response.json(details());
    if (request.method === "DELETE") {
      apps.clear();
      return new Response(null, { status: 200 });
    }
    if (request.method === "PUT") {
      let body: unknown;
      try {
        body = await request.json();
      } catch {
        return new Response("Expecting value: line 1 column 1 (char 0)", { status: 400 });
      }
      const problem = validate(body);
      if (problem) return new Response(problem, { status: 400 });
      const wanted = (body as { applications: Record<string, unknown>[] }).applications;
      puts.push({ applications: wanted });
      const names = new Set(wanted.map((a) => String(a.name ?? "default")));
      for (const name of [...apps.keys()]) if (!names.has(name)) apps.delete(name);
      for (const config of wanted) {
        const name = String(config.name ?? "default");
        const before = apps.get(name);
        if (before && JSON.stringify(before.config) === JSON.stringify(config)) continue;
        apps.set(name, {
          config,
          status: "DEPLOYING",
          message: "",
          readyAt: Date.now() + (options.deployDelayMs ?? 0),
        });
      }
      return new Response(null, { status: 200 });
    }
    return new Response("Method Not Allowed", { status: 405 });
  }

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({
          url: `http://127.0.0.1:${port}`,
          puts,
          statuses: () => {
            refresh();
            return Object.fromEntries([...apps].map(([name, app]) => [name, app.status]));
          },
          close: () => server.shutdown(),
        }),
    }, handle);
  });
}
