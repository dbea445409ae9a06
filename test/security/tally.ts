/**
 * Counts for the security suite: every probe is an attempt that the server either refused
 * (the right answer), accepted although it should not have, or answered with a 5xx. Each
 * file prints one line, collected into the README's Reliability table.
 */
import { afterAll, expect } from "vitest";

export interface Tally {
  /** Records a probe that must be refused; `refused` says whether it was. */
  probe(refused: boolean, status?: number): void;
  /** Records a probe by its HTTP answer: refused when 4xx, 5xx counted apart. */
  status(res: Response | number): void;
}

/** A tally printed as `security <name>: attempts N, refused N, accepted wrongly N, 5xx N` after the file. */
export function tally(name: string): Tally {
  const n = { attempts: 0, refused: 0, wrong: 0, server: 0 };
  afterAll(() => {
    console.log(
      `security ${name}: attempts ${n.attempts}, refused ${n.refused}, accepted wrongly ${n.wrong}, 5xx ${n.server}`,
    );
    expect(n.wrong + n.server, `${name}: probes accepted wrongly or answered 5xx`).toBe(0);
  });
  const t: Tally = {
    probe(refused, status) {
      n.attempts++;
      if (status !== undefined && status >= 500) n.server++;
      else if (refused) n.refused++;
      else n.wrong++;
    },
    status(res) {
      const code = typeof res === "number" ? res : res.status;
      t.probe(code >= 400 && code < 500, code);
    },
  };
  return t;
}
