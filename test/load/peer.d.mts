/** Types of peer.mjs, for the TypeScript suites. */
export declare class Peer {
  readonly ws: WebSocket;
  readonly frames: any[];
  closeCode: number | null;
  readonly closed: Promise<number>;
  constructor(ws: WebSocket, options?: { keep?: boolean });
  static open(url: string, options?: { headers?: Record<string, string>; keep?: boolean; timeoutMs?: number }): Promise<Peer>;
  get open(): boolean;
  onFrame(fn: (frame: any, receivedAt: number) => void): () => void;
  send(frame: unknown): boolean;
  sendRaw(data: string | ArrayBufferLike | ArrayBufferView): boolean;
  next(type: string, where?: (frame: any) => boolean, ms?: number): Promise<any>;
  waitFor(match: (frame: any) => boolean, ms?: number, what?: string): Promise<any>;
  hello(lastSeq?: number, ms?: number): Promise<any>;
  close(code?: number): Promise<number>;
}
export declare function pool<T, R>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]>;
export declare function sleep(ms: number): Promise<void>;
