import { DurableObject } from "cloudflare:workers";
export class Conversation extends DurableObject {}
export class Site extends DurableObject {}
export default { fetch: () => new Response(JSON.stringify({ ok: true })) };
