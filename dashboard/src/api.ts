import { session } from "./session";

/** A refusal from the gateway, with the stable code of its error envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

interface Envelope {
  error?: { message?: unknown; code?: unknown; param?: unknown };
}

/** Reads the OpenAI-style error envelope; a body that is not one still yields a readable error. */
export async function errorFrom(res: Response): Promise<ApiError> {
  let body: Envelope | undefined;
  try {
    body = (await res.json()) as Envelope;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  const message = typeof error?.message === "string" ? error.message : `${res.status} ${res.statusText || "error"}`;
  const code = typeof error?.code === "string" ? error.code : `http_${res.status}`;
  return new ApiError(res.status, code, message, typeof error?.param === "string" ? error.param : null);
}

/** A control-plane call with the admin credential; resolves to the response, throws ApiError when not ok. */
export async function request(
  method: string,
  path: string,
  body?: unknown,
  bearer = session.credential(),
): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network_error", "The gateway could not be reached.");
  }
  if (!res.ok) throw await errorFrom(res);
  return res;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await (await request(method, path, body)).json()) as T;
}

/** Query string from the defined entries only. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== "") search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
}
