import { toHex } from "../auth/hex";

/** Opaque ids with a type prefix (`ten_`, `prj_`, `key_`…): 80 random bits, lowercase hex, URL- and DNS-safe. */
export function newId(prefix: "ten" | "prj" | "key" | "adm" | "tier" | "pk" | "bud" | "aud"): string {
  return `${prefix}_${toHex(crypto.getRandomValues(new Uint8Array(10)))}`;
}
