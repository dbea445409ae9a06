/**
 * One error type for everything a caller can get wrong, and one envelope:
 * `{"error":{"code","message","fields"?}}` with its status, where `fields` maps a form path
 * to its message so the admin shows it beside the input. Durable Object RPC methods return
 * the same shape as a value (`Failure`) because thrown classes do not cross RPC; routes turn
 * it into the envelope in one place (`unwrap`, and the app's one `onError`).
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 426 | 429 | 500 | 503;
export type FieldMessages = Record<string, string>;

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly fields?: FieldMessages,
  ) {
    super(message);
  }
}

/** An error returned by value from a Durable Object method. */
export interface Failure {
  error: { status: ErrorStatus; code: string; message: string; retryAfter?: number; fields?: FieldMessages };
}

/** Builds a Failure; `extra.fields` names the form fields it is about. */
export function failure(
  status: ErrorStatus,
  code: string,
  message: string,
  extra: { retryAfter?: number; fields?: FieldMessages } = {},
): Failure {
  return {
    error: {
      status,
      code,
      message,
      ...(extra.retryAfter ? { retryAfter: extra.retryAfter } : {}),
      ...(extra.fields ? { fields: extra.fields } : {}),
    },
  };
}

/** A Failure about one form field: `fieldFailure(409, "email_taken", "email", "…")`. */
export function fieldFailure(status: ErrorStatus, code: string, field: string, message: string): Failure {
  return failure(status, code, message, { fields: { [field]: message } });
}

/** True when an RPC result is a Failure. */
export function isFailure(value: unknown): value is Failure {
  return typeof value === "object" && value !== null && "error" in value;
}

/** Throws the ApiError a Failure describes; returns the value otherwise. */
export function unwrap<T>(value: T): Exclude<T, { error: unknown }> {
  if (isFailure(value)) {
    const { status, code, message, retryAfter, fields } = value.error;
    throw new ApiError(status, code, message, retryAfter ? { "Retry-After": String(retryAfter) } : {}, fields);
  }
  return value as Exclude<T, { error: unknown }>;
}

/** The JSON envelope of an error; anything but an ApiError is logged and answered 500. */
export function errorResponse(err: unknown): Response {
  if (err instanceof ApiError) {
    const body = { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) };
    return Response.json({ error: body }, { status: err.status, headers: err.headers });
  }
  console.error("unhandled error", err);
  return Response.json({ error: { code: "internal", message: "something went wrong on our side" } }, { status: 500 });
}
