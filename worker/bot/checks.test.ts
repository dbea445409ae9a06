import { describe, expect, it } from "vitest";
import { CsvError, csvLine, kbFromCsv, parseCsv } from "./csv";
import { checkField } from "./fields";
import { validateScenario } from "./scenario";

describe("lead fields", () => {
  it("normalises a phone and refuses a non-phone in the visitor's language", () => {
    expect(checkField("phone", "8 (912) 345-67-89", "ru")).toEqual({ value: "+89123456789" });
    expect(checkField("phone", "call me", "ru")).toEqual({ error: expect.stringContaining("не номер телефона") });
    expect(checkField("phone", "12", "en")).toEqual({
      error: expect.stringContaining("does not look like a phone number"),
    });
  });

  it("lower-cases an email and refuses one without a domain", () => {
    expect(checkField("email", " Anna@Example.COM ", "en")).toEqual({ value: "anna@example.com" });
    expect(checkField("email", "anna@", "ru")).toEqual({ error: expect.stringContaining("не адрес почты") });
    expect(checkField("name", "   ", "en")).toEqual({ error: "Please type an answer." });
  });
});

describe("CSV", () => {
  it("reads quoted cells with commas, doubled quotes and line breaks", () => {
    expect(parseCsv('a,"b, ""c""\nd"\r\n1,2\n')).toEqual([
      ["a", 'b, "c"\nd'],
      ["1", "2"],
    ]);
  });

  it("names the row and column of a stray quote", () => {
    expect(() => parseCsv('a,b\n1,x"y\n')).toThrow(
      new CsvError(2, "2", "a quote inside a field must be doubled and the field quoted"),
    );
  });

  it("quotes what needs it and keeps a formula-like cell as text", () => {
    expect(csvLine(["=SUM(A1)", "a,b", null])).toBe(`'=SUM(A1),"a,b",`);
    // Where the list separator is ';', an unquoted ';' would start a new cell with the formula.
    expect(csvLine(["Bob;=1+1", "a\tb"])).toBe(`"Bob;=1+1","a\tb"`);
  });

  it("names the row of a knowledge-base row with too few cells", () => {
    expect(() => kbFromCsv("lang,questions,answer\nru,Где заказ?\n")).toThrow(
      "row 2, column 3: has 2 cells; the header has 3",
    );
  });
});

describe("scenario checks", () => {
  it("accepts a booking step with its length and a next step", () => {
    const checked = validateScenario({
      enabled: true,
      start: "book",
      steps: [
        { id: "book", type: "booking", text: "Pick a time", durationMin: 30, next: "end" },
        { id: "end", type: "end" },
      ],
    });
    expect(checked.ok).toBe(true);
  });

  it("refuses a booking step without a next step, naming it", () => {
    expect(
      validateScenario({ enabled: true, start: "book", steps: [{ id: "book", type: "booking", text: "Pick a time" }] }),
    ).toEqual({ ok: false, field: "steps.0.next", message: 'step "book": a booking step needs a next step' });
  });
});
