/**
 * FAQ matching: BM25 over every question variant of a knowledge base, with typo-tolerant
 * terms, and a confidence in [0, 1] that says how much of the question and of the variant
 * the match covers. Below the site's threshold the bot stays silent. Pure; the Site builds
 * one index per knowledge-base version and keeps it in memory.
 */
import { editDistance, keywords, typoAllowance } from "./text";

/** What the matcher needs of a knowledge-base entry. */
export interface FaqEntry {
  id: string;
  questions: readonly string[];
  answer: string;
}

/** One ranked entry: its best variant, the BM25 score and the confidence. */
export interface FaqMatch {
  id: string;
  question: string;
  answer: string;
  score: number;
  confidence: number;
}

/** Below this the bot does not answer; the admin may set another per site. */
export const DEFAULT_THRESHOLD = 0.5;

const K1 = 1.2;
const B = 0.75;
/** A term found only through a typo or a shared root counts this much of an exact one. */
const FUZZY_WEIGHT = 0.8;
const ROOT_WEIGHT = 0.7;

interface Variant {
  entry: number;
  text: string;
  terms: Map<string, number>;
  length: number;
}

/** A query term resolved to the vocabulary: which stored terms it stands for, and how much. */
type Resolved = { term: string; weight: number }[];

export class FaqIndex {
  private readonly variants: Variant[] = [];
  private readonly df = new Map<string, number>();
  /** Every word the base uses, with its stem: typos are looked for among words, not stems. */
  private readonly vocabulary = new Map<string, string>();
  private readonly avgLength: number;

  constructor(private readonly entries: readonly FaqEntry[]) {
    entries.forEach((entry, i) => {
      for (const text of entry.questions) {
        const found = keywords(text);
        if (!found.length) continue;
        for (const k of found) this.vocabulary.set(k.word, k.term);
        const list = found.map((k) => k.term);
        const counts = new Map<string, number>();
        for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1);
        for (const t of counts.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
        this.variants.push({ entry: i, text, terms: counts, length: list.length });
      }
    });
    this.avgLength = this.variants.reduce((n, v) => n + v.length, 0) / Math.max(1, this.variants.length);
  }

  /** The best variant of each entry for `query`, highest confidence first (then BM25). */
  search(query: string, limit = 5): FaqMatch[] {
    const found = new Map(keywords(query).map((k) => [k.term, k.word]));
    const queryTerms = [...found.keys()];
    if (!queryTerms.length || !this.variants.length) return [];
    const resolved = queryTerms.map((t) => this.resolve(t, found.get(t)!));
    const weights = queryTerms.map((t, i) => (resolved[i]!.length ? this.idf(t) : this.unknownWeight()));
    const queryWeight = weights.reduce((n, w) => n + w, 0);
    const best = new Map<number, FaqMatch>();
    for (const variant of this.variants) {
      const match = this.scoreVariant(variant, weights, resolved, queryWeight);
      if (!match) continue;
      const known = best.get(variant.entry);
      if (
        !known ||
        match.confidence > known.confidence ||
        (match.confidence === known.confidence && match.score > known.score)
      ) {
        best.set(variant.entry, match);
      }
    }
    return [...best.values()].sort((a, b) => b.confidence - a.confidence || b.score - a.score).slice(0, limit);
  }

  /** The answer to give, or null when the best match is below `threshold`. */
  answer(query: string, threshold = DEFAULT_THRESHOLD): FaqMatch | null {
    const top = this.search(query, 1)[0];
    return top && top.confidence >= threshold ? top : null;
  }

  private scoreVariant(
    variant: Variant,
    weights: number[],
    resolved: Resolved[],
    queryWeight: number,
  ): FaqMatch | null {
    let score = 0;
    let coveredQuery = 0;
    const coveredDoc = new Map<string, number>();
    weights.forEach((queryTermWeight, i) => {
      let bestWeight = 0;
      for (const { term, weight } of resolved[i]!) {
        const tf = variant.terms.get(term);
        if (!tf) continue;
        const idf = this.idf(term);
        score += weight * idf * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * variant.length) / this.avgLength)));
        coveredDoc.set(term, Math.max(coveredDoc.get(term) ?? 0, weight));
        bestWeight = Math.max(bestWeight, weight);
      }
      coveredQuery += bestWeight * queryTermWeight;
    });
    if (score <= 0) return null;
    let docWeight = 0;
    let docCovered = 0;
    for (const t of variant.terms.keys()) {
      docWeight += this.idf(t);
      docCovered += (coveredDoc.get(t) ?? 0) * this.idf(t);
    }
    const confidence = 0.5 * (coveredQuery / queryWeight) + 0.5 * (docCovered / docWeight);
    const entry = this.entries[variant.entry]!;
    return {
      id: entry.id,
      question: variant.text,
      answer: entry.answer,
      score: round(score),
      confidence: round(confidence),
    };
  }

  /** The stored terms a query term stands for: itself, else words spelt nearly alike, else a shared root. */
  private resolve(term: string, word: string): Resolved {
    if (this.df.has(term)) return [{ term, weight: 1 }];
    const near = new Map<string, number>();
    const allowedForWord = typoAllowance(word);
    for (const [known, knownTerm] of this.vocabulary) {
      const allowed = Math.min(allowedForWord, typoAllowance(known));
      if (allowed > 0 && editDistance(word, known, allowed) <= allowed) near.set(knownTerm, FUZZY_WEIGHT);
    }
    for (const known of this.df.keys()) {
      if (!near.has(known) && sharesRoot(term, known)) near.set(known, ROOT_WEIGHT);
    }
    return [...near].map(([t, weight]) => ({ term: t, weight }));
  }

  /**
   * How much a query word the base never uses counts against a match: half the rarest
   * term's weight, as such words are often names (a city, a product) rather than the topic.
   */
  private unknownWeight(): number {
    return 0.5 * this.idf("");
  }

  /** BM25's idf; a term the base never uses weighs as much as the rarest one. */
  private idf(term: string): number {
    const n = this.variants.length;
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }
}

/** Stems of one root that the stemmer left apart ("доставля"/"доставк"): a long common start. */
function sharesRoot(a: string, b: string): boolean {
  const shorter = Math.min(a.length, b.length);
  if (shorter < 6) return false;
  let i = 0;
  while (i < shorter && a[i] === b[i]) i++;
  return i >= 5 && i >= shorter - 2;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
