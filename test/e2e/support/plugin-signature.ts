/**
 * Shop plugins' signatures with the Worker's own code, loaded at run time (this folder is
 * type-checked for the browser, the Worker's files for workerd): to check what a real plugin
 * sent, and to send what a plugin would.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

const SIGNATURE_MODULE = path.resolve(import.meta.dirname, "../../../worker/site/plugin/signature.ts");

/** hex(HMAC-SHA256(secret, timestamp + "\n" + METHOD + "\n" + path_with_query + "\n" + body)). */
export async function signRequest(
  secret: string,
  timestamp: string,
  req: { method: string; pathWithQuery: string; body: string },
): Promise<string> {
  return (await import(pathToFileURL(SIGNATURE_MODULE).href)).signRequest(secret, timestamp, req);
}

/** The two signature headers of a request to the Edgechat server, as a shop plugin signs them now. */
export async function signedHeaders(secret: string, method: string, pathWithQuery: string, body: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = await signRequest(secret, timestamp, { method, pathWithQuery, body });
  return { "X-Edgechat-Timestamp": timestamp, "X-Edgechat-Signature": signature };
}
