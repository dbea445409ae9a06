/**
 * One error type for everything a caller can get wrong. The Worker's `onError` turns it
 * into `{"error":{"code","message"}}` with its status; Durable Object RPC methods return
 * the same shape as a value (`Failure`) because thrown classes do not cross RPC.
 */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 426 | 429 | 500 | 503,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** An error returned by value from a Durable Object method. */
export interface Failure {
  error: { status: ApiError["status"]; code: string; message: string; retryAfter?: number };
}

/** Builds a Failure. */
export function failure(
  status: ApiError["status"],
  code: string,
  message: string,
  retryAfter?: number,
): Failure {
  return { error: { status, code, message, ...(retryAfter ? { retryAfter } : {}) } };
}

/** True when an RPC result is a Failure. */
export function isFailure(value: unknown): value is Failure {
  return typeof value === "object" && value !== null && "error" in value;
}

/** Throws the ApiError a Failure describes; returns the value otherwise. */
export function unwrap<T>(value: T): Exclude<T, { error: unknown }> {
  if (isFailure(value)) {
    const { status, code, message, retryAfter } = value.error;
    throw new ApiError(status, code, message, retryAfter ? { "Retry-After": String(retryAfter) } : {});
  }
  return value as Exclude<T, { error: unknown }>;
}
