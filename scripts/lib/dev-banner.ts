/**
 * What `npm run dev` prints for SDK users in Node. Node's resolver does not map `{slug}.localhost` to loopback
 * (curl and browsers do), so SDKs get the dev-only loopback form `http://127.0.0.1:{port}/p/{slug}/v1`.
 * test/node/sdk-clients.test.ts runs these exact examples, so what a newcomer copies is what is tested.
 */
export const DEMO_MODEL = "mock/tollgate-mock";

/** The OpenAI-style base URL of a project on a dev gateway (`.../v1` included, as the SDKs expect). */
export function loopbackBaseUrl(port: number, slug: string): string {
  return `http://127.0.0.1:${port}/p/${slug}/v1`;
}

/** Five lines each; both read OPENAI_BASE_URL and OPENAI_API_KEY from the environment. */
export const SDK_EXAMPLES = {
  openai: [
    `import OpenAI from "openai";`,
    `const client = new OpenAI(); // reads OPENAI_BASE_URL and OPENAI_API_KEY`,
    `const messages = [{ role: "user", content: "Hello!" }];`,
    `const reply = await client.chat.completions.create({ model: "${DEMO_MODEL}", messages });`,
    `console.log(reply.choices[0].message.content);`,
  ],
  ai: [
    `import { generateText } from "ai";`,
    `import { createOpenAI } from "@ai-sdk/openai";`,
    `const openai = createOpenAI(); // reads OPENAI_BASE_URL and OPENAI_API_KEY`,
    `const { text } = await generateText({ model: openai.chat("${DEMO_MODEL}"), prompt: "Hello!" });`,
    `console.log(text);`,
  ],
} as const;

export function sdkBanner(baseUrl: string, token: string): string {
  const indent = (lines: readonly string[]) => lines.map((line) => `     ${line}`).join("\n");
  return ` 3. From Node SDKs (openai, ai, LangChain), which cannot resolve *.localhost, use the loopback form:

   export OPENAI_BASE_URL=${baseUrl}
   export OPENAI_API_KEY=${token}

   (a JWT for end user "alice", valid 24 h; mint a fresh one with step 1.)

   openai (npm i openai), as hello.mjs, then node hello.mjs:
${indent(SDK_EXAMPLES.openai)}

   Vercel AI SDK (npm i ai @ai-sdk/openai):
${indent(SDK_EXAMPLES.ai)}`;
}
