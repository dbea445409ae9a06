/** Types of stats.mjs, for the TypeScript suites. */
export interface Summary { n: number; p50: number; p90: number; p99: number; max: number }
export declare function percentile(values: number[], p: number): number;
export declare function summary(values: number[]): Summary;
export declare function descendants(root: number): number[];
export declare function runtimePids(wranglerPid: number): number[];
export declare function cpuMs(pids: number[]): number;
export declare function rssBytes(pids: number[]): number;
export declare function machine(): { cpu: string; cores: number; memGb: number; node: string; load: string };
