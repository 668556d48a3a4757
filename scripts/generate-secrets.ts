/**
 * Generates and rotates the Worker secrets: JWT_SIGNING_KEYS, BYOK_MASTER_KEYS, OPERATOR_TOKEN.
 * Secret values go to stdout (for a pipe into `wrangler secret put`) or into .dev.vars, never to stderr.
 * Procedures step by step: docs/security.md.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { mergeDevVars, readDevVars, setDevVar } from "../src/secrets/dev-vars";
import {
  addMasterKey,
  addSigningKey,
  generateMasterKey,
  generateOperatorToken,
  generateSigningJwk,
  generateSigningKeysSecret,
  pruneSigningKeys,
} from "../src/secrets/generate";

const HELP = `Usage: tsx scripts/generate-secrets.ts [options]

Without options, prints fresh values for all three secrets as .dev.vars lines.

  --write-dev-vars        create or complete .dev.vars; values already there are kept
  --dev-vars PATH         the .dev.vars file to use (default: .dev.vars)
  --print NAME            print one fresh value: JWT_SIGNING_KEYS | BYOK_MASTER_KEYS | OPERATOR_TOKEN
                          e.g. ... --print OPERATOR_TOKEN | npx wrangler secret put OPERATOR_TOKEN
  --add-signing-key       rotation: the current JWT_SIGNING_KEYS with a new key first, the old one retired
  --prune-signing-keys    drop retired signing keys whose tokens have all expired
  --add-master-key        rotation: the current BYOK_MASTER_KEYS with a new key (next version) first
  -h, --help              this text

Rotation options read the current value from the environment variable of the same name, else from
stdin when piped, else from .dev.vars. They print the new value, or with --write-dev-vars replace it
in .dev.vars.`;

type SecretName = "JWT_SIGNING_KEYS" | "BYOK_MASTER_KEYS" | "OPERATOR_TOKEN";
const GENERATORS: Record<SecretName, () => Promise<string> | string> = {
  JWT_SIGNING_KEYS: () => generateSigningKeysSecret(),
  BYOK_MASTER_KEYS: () => generateMasterKey(1),
  OPERATOR_TOKEN: () => generateOperatorToken(),
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "write-dev-vars": { type: "boolean", default: false },
      "dev-vars": { type: "string", default: ".dev.vars" },
      print: { type: "string" },
      "add-signing-key": { type: "boolean", default: false },
      "prune-signing-keys": { type: "boolean", default: false },
      "add-master-key": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const devVarsPath = values["dev-vars"];
  const write = values["write-dev-vars"];

  if (values.print !== undefined) {
    if (!(values.print in GENERATORS)) throw new Error(`--print takes one of ${Object.keys(GENERATORS).join(", ")}`);
    return void process.stdout.write(`${await GENERATORS[values.print as SecretName]()}\n`);
  }

  if (values["add-signing-key"] || values["prune-signing-keys"] || values["add-master-key"]) {
    const name: SecretName = values["add-master-key"] ? "BYOK_MASTER_KEYS" : "JWT_SIGNING_KEYS";
    const current = await currentValue(name, devVarsPath);
    let next: string;
    if (values["add-master-key"]) {
      next = addMasterKey(current);
      console.error(`BYOK_MASTER_KEYS: added ${next.split(":")[0]} as the active master key`);
    } else if (values["add-signing-key"]) {
      const key = await generateSigningJwk();
      next = addSigningKey(current, key);
      console.error(`JWT_SIGNING_KEYS: added ${key.kid} as the active signer; previous keys marked retired_at`);
    } else {
      const pruned = pruneSigningKeys(current);
      next = pruned.json;
      console.error(`JWT_SIGNING_KEYS: removed ${pruned.removed.length ? pruned.removed.join(", ") : "nothing"}`);
    }
    if (!write) return void process.stdout.write(`${next}\n`);
    writeFileSync(devVarsPath, setDevVar(readText(devVarsPath), name, next), { mode: 0o600 });
    return void console.error(`${devVarsPath}: ${name} updated`);
  }

  const fresh = {
    JWT_SIGNING_KEYS: await GENERATORS.JWT_SIGNING_KEYS(),
    BYOK_MASTER_KEYS: await GENERATORS.BYOK_MASTER_KEYS(),
    OPERATOR_TOKEN: await GENERATORS.OPERATOR_TOKEN(),
  };
  if (!write) return void process.stdout.write(mergeDevVars("", fresh).text);
  const merged = mergeDevVars(readText(devVarsPath), fresh);
  if (merged.added.length > 0) writeFileSync(devVarsPath, merged.text, { mode: 0o600 });
  console.error(
    `${devVarsPath}: added ${merged.added.join(", ") || "nothing"}; kept ${merged.kept.join(", ") || "nothing"}`,
  );
}

async function currentValue(name: SecretName, devVarsPath: string): Promise<string> {
  const fromEnv = process.env[name]?.trim();
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const piped = Buffer.concat(chunks).toString("utf8").trim();
    if (piped) return piped;
  }
  const fromFile = readDevVars(readText(devVarsPath)).get(name);
  if (fromFile) return fromFile;
  throw new Error(`no current ${name}: set it in the environment, pipe it on stdin, or keep it in ${devVarsPath}`);
}

function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

main().catch((error: unknown) => {
  // The message never holds a secret: every thrown message above names variables, not values.
  console.error(`generate-secrets: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
