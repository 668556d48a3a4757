import { afterAll, beforeAll } from "vitest";
import { type RunningGateway, startGateway } from "./gateway";
import { GatewayClient, type ProjectSetup } from "./gateway-client";

/**
 * One project on a gateway started the way `npm run dev` starts it (dev path routing on), for the real-SDK
 * tests: registers the file's beforeAll/afterAll and hands the pieces out once they exist.
 */
export interface DevProject {
  gateway: RunningGateway;
  client: GatewayClient;
  setup: ProjectSetup;
  /** The project's loopback base URL without `/v1` (`npm run dev` prints it with `/v1`). */
  rootUrl: string;
  /** `rootUrl` + `/v1`: what OpenAI-style SDKs take as their base URL. */
  baseURL: string;
  /** A JWT for a new end user each call, so the per-user requests-per-minute limit never binds. */
  freshUserToken(): Promise<string>;
}

export function useDevProject(options: { userPrefix: string; settings?: Record<string, unknown> }): () => DevProject {
  let project: DevProject | undefined;
  beforeAll(async () => {
    const gateway = await startGateway({ devPathRouting: true });
    const client = new GatewayClient(gateway);
    const setup = await client.setupProject({ settings: options.settings });
    const rootUrl = gateway.projectBaseUrl(setup.project.slug);
    project = {
      gateway,
      client,
      setup,
      rootUrl,
      baseURL: `${rootUrl}/v1`,
      freshUserToken: () => client.mint(setup.apiKey, `${options.userPrefix}-${crypto.randomUUID().slice(0, 8)}`),
    };
  });
  afterAll(async () => {
    await project?.gateway.stop();
  });
  return () => {
    if (!project) throw new Error("the dev project is set up in beforeAll; use it inside a test");
    return project;
  };
}
