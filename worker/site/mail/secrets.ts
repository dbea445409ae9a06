/**
 * Secrets in outbound email (password-reset, invite, signup-confirmation and unsubscribe
 * tokens) belong to the recipient alone. The outbox row that admins can read holds a copy
 * with each token replaced by REDACTED; the full email goes only to the provider. In local
 * mode, where the outbox is the delivery, the links are printed on the server's console
 * and shown to the recipient's own session.
 */
import type { OutboundEmail } from "../../email";

export const REDACTED = "REDACTED";

/** `message` with every token of `secrets` replaced; the same object when there is none. */
export function redact(message: OutboundEmail, secrets: readonly string[]): OutboundEmail {
  const tokens = secrets.filter((s) => s.length >= 8);
  if (!tokens.length) return message;
  let json = JSON.stringify(message);
  for (const token of tokens) json = json.split(token).join(REDACTED);
  return JSON.parse(json) as OutboundEmail;
}

/** Prints the links of a local-mode email on the console of whoever runs the server. */
export function announceLocally(message: OutboundEmail): void {
  const links = message.text.match(/https?:\/\/\S+/g) ?? [];
  console.log(`edgechat local outbox: links for ${message.to.address}: ${links.join(" ")}`);
}

/** The full stored email when the viewer is its recipient, else null (the redacted copy is shown). */
export function revealTo(viewer: string | undefined, recipient: string, full: string | null): string | null {
  if (!viewer || !full) return null;
  return viewer.toLowerCase() === recipient.toLowerCase() ? full : null;
}
