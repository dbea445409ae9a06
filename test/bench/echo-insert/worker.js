/**
 * Baseline for the benchmarks: the echo of test/bench/echo/ plus one SQLite INSERT per
 * message, the floor of a durable chat. The seq is the row's, so a restart keeps counting.
 */
import { Echo, echoWorker } from "../echo/worker.js";

export class EchoInsert extends Echo {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, client_id TEXT, author TEXT, text TEXT, at INTEGER)",
    );
    this.seq = ctx.storage.sql.exec("SELECT COALESCE(MAX(seq), 0) AS seq FROM messages").one().seq;
  }

  store(message) {
    const seq = this.seq + 1;
    this.ctx.storage.sql.exec(
      "INSERT INTO messages (seq, client_id, author, text, at) VALUES (?, ?, ?, ?, ?)",
      seq, message.clientId, message.author.kind, message.text, message.at,
    );
    this.seq = seq;
    return seq;
  }
}

export default echoWorker();
