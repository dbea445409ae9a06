/** Types of scripts/local-server.mjs, for the TypeScript tests that start local servers. */
export declare const ROOT: string;
export declare function freePort(): Promise<number>;
export declare function secret(bytes?: number): string;

export interface LocalServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
  /** Links the server printed for local email (quiet servers only). */
  consoleLinks(): string[];
}

export declare function startLocal(options: {
  port?: number;
  persistTo: string;
  vars: Record<string, string>;
  quiet?: boolean;
  env?: Record<string, string>;
  /** Another wrangler config than ./wrangler.toml. */
  config?: string;
}): Promise<LocalServer>;

export declare function localVars(port: number, host?: string): Record<string, string>;

export declare function seedSite(
  url: string,
  adminToken: string,
  site: Record<string, unknown>,
): Promise<{ created: boolean; siteKey?: string; identitySecret?: string }>;

export declare function demoSite(ownerPassword: string): Record<string, unknown>;

export declare function startTestServer(options?: { persistTo?: string; quiet?: boolean }): Promise<
  LocalServer & {
    persistTo: string;
    vars: Record<string, string>;
    owner: { email: string; password: string };
  }
>;
