/** Failures that name the form field they belong to, so the admin app shows them in place. */
import { failure, type Failure } from "../lib/errors";

/** A Failure with `fields: {field: message}`; routes of the admin app pass `fields` on. */
export type FieldFailure = Failure & { error: Failure["error"] & { fields?: Record<string, string> } };

/** Builds a Failure that names one field: `fieldFailure(409, "email_taken", "email", "…")`. */
export function fieldFailure(status: Failure["error"]["status"], code: string, field: string, message: string): FieldFailure {
  const f = failure(status, code, message);
  return { error: { ...f.error, fields: { [field]: message } } };
}
