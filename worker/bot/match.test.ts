import { describe, expect, it } from "vitest";
import { QUESTIONS, SAMPLE_KB } from "../../test/fixtures/bot/faq";
import { DEFAULT_THRESHOLD, FaqIndex } from "./match";
import { editDistance, terms } from "./text";

const index = new FaqIndex(SAMPLE_KB);

/** Precision (right answers of all answers given) and recall (right answers of all answerable) at a threshold. */
function measure(threshold: number) {
  let answered = 0;
  let right = 0;
  const answerable = QUESTIONS.filter(([, id]) => id !== null).length;
  const misses: string[] = [];
  for (const [question, expected, why] of QUESTIONS) {
    const got = index.answer(question, threshold);
    if (got) answered++;
    if (got && got.id === expected) right++;
    if ((got?.id ?? null) !== expected) {
      const top = index.search(question, 1)[0];
      misses.push(
        `${JSON.stringify(question)} (${why}): expected ${expected ?? "no answer"}, got ${got?.id ?? "no answer"} [top ${top?.id ?? "-"} ${top?.confidence ?? 0}]`,
      );
    }
  }
  return { precision: answered ? right / answered : 1, recall: right / answerable, answerable, misses };
}

describe("FAQ matching on a ru/en sample base", () => {
  it(`answers the table with precision 1 and recall ≥ 0.95 at threshold ${DEFAULT_THRESHOLD}`, () => {
    const sweep = [0.3, 0.4, 0.5, 0.6, 0.7].map((t) => {
      const m = measure(t);
      return `  threshold ${t}: precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}`;
    });
    const { precision, recall, answerable, misses } = measure(DEFAULT_THRESHOLD);
    console.log(
      `FAQ table: ${QUESTIONS.length} questions (${answerable} answerable, ${QUESTIONS.length - answerable} must get no answer)\n` +
        `chosen threshold ${DEFAULT_THRESHOLD}: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n` +
        `${misses.map((m) => `  miss: ${m}`).join("\n")}\nsweep:\n${sweep.join("\n")}`,
    );
    expect(QUESTIONS.length).toBeGreaterThanOrEqual(60);
    expect(precision).toBe(1);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it("ranks the top matches with scores for the admin's try-it box", () => {
    const top = index.search("сколько стоит доставка", 3);
    expect(top[0]).toMatchObject({ id: "delivery-ru", question: "Сколько стоит доставка?" });
    expect(top[0]!.confidence).toBe(1);
    expect(top[0]!.score).toBeGreaterThan(top[1]?.score ?? 0);
  });

  it("matches words in any order and any case, ё as е", () => {
    expect(index.answer("ДОСТАВКА СКОЛЬКО СТОИТ")?.id).toBe("delivery-ru");
    expect(index.answer("какой размёр мне подойдет")?.id).toBe("sizes-ru");
  });

  it("stays silent with an empty base or a question of stop words only", () => {
    expect(new FaqIndex([]).answer("доставка")).toBeNull();
    expect(index.search("а как же это")).toEqual([]);
  });
});

describe("text", () => {
  it("stems Russian and English by script and drops stop words", () => {
    expect(terms("Доставки и доставка")).toEqual(["доставк", "доставк"]);
    expect(terms("the returns")).toEqual(["return"]);
  });

  it("counts a transposition as one edit", () => {
    expect(editDistance("optoins", "options", 2)).toBe(1);
    expect(editDistance("доставка", "кошка", 1)).toBe(2);
  });
});
