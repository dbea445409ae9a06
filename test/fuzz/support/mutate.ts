/**
 * Random and mutated inputs for the fuzz suites: a seeded generator (a failure names its
 * seed, so it can be replayed with FUZZ_SEED), hostile values for every JSON type, and
 * mutations of a valid object (a field dropped, retyped, made huge or hostile; keys added).
 */

/** A small seeded PRNG (mulberry32). */
export class Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  hex(bytes: number): string {
    let s = "";
    for (let i = 0; i < bytes; i++) s += this.int(256).toString(16).padStart(2, "0");
    return s;
  }
}

export const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

/** 1 MB: far over every limit (frames 32 KB, bodies 64 KB). */
export const ONE_MB = "x".repeat(1 << 20);

/** Strings that have broken parsers, templates, SQL and HTML before. */
export const HOSTILE_STRINGS = [
  "",
  " ",
  "\t\n",
  "\u0000",
  "\u0000abc",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e999",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "'; DROP TABLE messages; --",
  '" OR 1=1 --',
  "%",
  "%%",
  "%00",
  "%s%s%s%n",
  "{nextOpening}",
  "{name}{name}",
  "{{7*7}}",
  "$" + "{7*7}",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "../../etc/passwd",
  "..\\..\\",
  "\ud800",
  "\udfff",
  "\ud83d",
  "💬🦄👩‍👩‍👧‍👦",
  "\u202eevil",
  "\u200b\u200b",
  "ﷺ",
  "İı",
  "ß",
  "Ω≈ç√",
  "a".repeat(64),
  "a".repeat(65),
  "a".repeat(254),
  "a".repeat(255),
  "a".repeat(4000),
  "a".repeat(4001),
  "a".repeat(32_000),
  "owner@example.com",
  "not-an-email",
  "a@b",
  "a@b.c",
  `${"a".repeat(250)}@b.co`,
  "http://localhost:1",
  "https://evil.example",
  "2026-13-45",
  "25:61",
  "Europe/Nowhere",
  "UTC",
  "eu-",
  "v_",
  "op_",
  "0".repeat(64),
  "g".repeat(64),
];

export const HOSTILE_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1e-300,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e21,
  1e300,
  -1e300,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  4000,
  4001,
  86_400,
  86_401,
  1440,
  1441,
];

/** A hostile value of any JSON type (and a few that JSON cannot carry, sent as raw text later). */
export function hostileValue(r: Random, depth = 0): unknown {
  switch (r.int(depth > 2 ? 6 : 9)) {
    case 0:
    case 1:
      return r.pick(HOSTILE_STRINGS);
    case 2:
      return r.pick(HOSTILE_NUMBERS);
    case 3:
      return r.pick([true, false, null]);
    case 4:
      return r.chance(0.02) ? ONE_MB : r.hex(r.int(40));
    case 5:
      return r.pick([[], {}, [null], [""], { "": "" }]);
    case 6:
      return Array.from({ length: r.int(4) }, () => hostileValue(r, depth + 1));
    case 7:
      return JSON.parse(`{"__proto__": {"admin": true, "role": "owner"}, "constructor": {"prototype": {"x": 1}}}`);
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(4) }, () => [r.pick(HOSTILE_STRINGS).slice(0, 20), hostileValue(r, depth + 1)]),
      );
  }
}

/** Mutates a copy of `valid`: retypes, drops, or adds fields, at any depth. */
export function mutate(r: Random, valid: unknown, depth = 0): unknown {
  if (valid === null || typeof valid !== "object") return r.chance(0.7) ? hostileValue(r) : valid;
  if (Array.isArray(valid)) {
    const copy = valid.map((v) => (r.chance(0.3) ? mutate(r, v, depth + 1) : v));
    if (r.chance(0.2)) copy.push(hostileValue(r));
    if (r.chance(0.05)) {
      // Too many entries: 1,000 of the first, or of 1 when the first is large; 1,000 times a
      // 1 MB string is over the length a JavaScript string can have, and threw in the fuzzer.
      const item = (JSON.stringify(copy[0]) ?? "").length <= 1_000 ? (copy[0] ?? 1) : 1;
      return Array.from({ length: 1000 }, () => item);
    }
    return copy;
  }
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(valid));
  const keys = Object.keys(copy);
  const edits = 1 + r.int(3);
  for (let i = 0; i < edits; i++) {
    const op = r.int(10);
    const key = keys.length ? r.pick(keys) : "x";
    if (op < 5)
      copy[key] =
        depth < 3 && typeof copy[key] === "object" && r.chance(0.5) ? mutate(r, copy[key], depth + 1) : hostileValue(r);
    else if (op < 7) delete copy[key];
    else if (op < 8)
      Object.defineProperty(copy, "__proto__", {
        value: hostileValue(r),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    else copy[r.pick(HOSTILE_STRINGS).slice(0, 30) || "k"] = hostileValue(r);
  }
  return copy;
}

/** Raw texts that are not a JSON object: broken, truncated, odd JSON, or deep nesting. */
export function brokenJson(r: Random, valid: unknown): string {
  const text = JSON.stringify(valid);
  switch (r.int(10)) {
    case 0:
      return text.slice(0, r.int(text.length));
    case 1:
      return text.replace(/"/g, "'");
    case 2:
      return `${text}${text}`;
    case 3:
      return r.pick([
        "null",
        "[]",
        "1",
        '""',
        "true",
        "{}",
        "1e999",
        "-0",
        "[1,]",
        "{,}",
        "\uFEFF{}",
        "NaN",
        "Infinity",
      ]);
    case 4:
      return "[".repeat(5000) + "]".repeat(5000);
    case 5:
      return `{"a":${'{"a":'.repeat(2000)}1${"}".repeat(2000)}}`;
    case 6:
      // A duplicated key: JSON.parse keeps the last one.
      return text.replace(/^\{/, '{"type":"message","clientId":"dup",');
    case 7:
      return text.replace(/:(\d+)/, ":1e999");
    case 8:
      return Array.from({ length: 1 + r.int(200) }, () => String.fromCharCode(r.int(0xd800))).join("");
    default:
      return text.replace(/[{}]/, "");
  }
}

/** Any value as text for a query string, header or path (objects as their JSON). */
export function asText(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v) ?? "undefined";
  } catch {
    return "[unprintable]";
  }
}

/** `s` with lone surrogates replaced (what String.prototype.toWellFormed does, in ES2023). */
export function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}
