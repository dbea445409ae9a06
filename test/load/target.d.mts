/** Types of target.mjs, for the TypeScript suites. */
import type { LocalServer } from "../../scripts/local-server.mjs";
import type { Peer } from "./peer.mjs";

export type Kind = "echo" | "echo-insert" | "edgechat";
export declare const KINDS: Kind[];
export declare const NO_AUTOREPLIES: { schedule: { timezone: string; week: Record<string, never> }; rules: [] };

export interface Secrets { TOKEN_SECRET: string; ADMIN_TOKEN: string; password: string }
export interface Session { visitorToken: string; visitorId: string; conversationId: string; config?: Record<string, unknown> }

export declare function startTarget(kind: Kind, options?: {
  persistTo?: string; stateDir?: string; port?: number; secrets?: Secrets; autoReplies?: boolean; quiet?: boolean;
}): Promise<Target>;

export declare class Target {
  readonly kind: Kind;
  readonly server: LocalServer;
  readonly url: string;
  readonly port: number;
  readonly wsBase: string;
  readonly persistTo: string;
  readonly secrets: Secrets;
  cookie: string;
  get real(): boolean;
  runtimePids(): number[];
  login(): Promise<void>;
  admin(method: string, apiPath: string, body?: unknown, expect?: number): Promise<{ status: number; body: any }>;
  session(body?: unknown): Promise<Session>;
  visitorUrl(session: { conversationId: string; visitorToken: string }): string;
  operatorUrl(conversationId: string): string;
  get operatorHeaders(): Record<string, string>;
  openVisitor(session: { conversationId: string; visitorToken: string }, options?: { keep?: boolean; timeoutMs?: number }): Promise<Peer>;
  openOperator(conversationId: string, options?: { keep?: boolean; timeoutMs?: number }): Promise<Peer>;
  openInbox(options?: { keep?: boolean; timeoutMs?: number }): Promise<Peer>;
  stop(): Promise<void>;
}
