/**
 * The admin API client: JSON in and out, same-origin cookies, and errors as `ApiFailure`
 * with field-level messages for forms. A 401 anywhere tells the app the session has ended.
 */

/** A failed API call: status, code, a message, and `fields` (form path → message). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Fired on `window` when the server says the session is gone. */
export const SESSION_ENDED = "edgechat:session-ended";

/** Calls `/api/v1/admin{path}`. Throws ApiFailure on any non-2xx answer. */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1/admin${path}`, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(0, "network", "network_error");
  }
  const json = await res.json().catch(() => null);
  if (res.ok) return json as T;
  const error = json?.error ?? { code: "http_" + res.status, message: res.statusText };
  if (res.status === 401 && (error.code === "not_logged_in" || error.code === "session_expired")) {
    window.dispatchEvent(new Event(SESSION_ENDED));
  }
  throw new ApiFailure(res.status, error.code, error.message, error.fields ?? {});
}

/** The WebSocket URL of an admin socket path, on this origin. */
export function socketUrl(path: string): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/admin${path}`;
}
