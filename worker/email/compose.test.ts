import { describe, expect, it } from "vitest";
import { emailTime, followupEmail } from "./compose";

const AT = Date.UTC(2026, 11, 2, 5, 4); // 2 December 2026, 05:04 UTC

describe("emailTime", () => {
  it("writes the reader's wall clock with the date in words and the zone named", () => {
    expect(emailTime(AT, "Asia/Vladivostok", "ru")).toBe("2 декабря 2026 г., 15:04 (Asia/Vladivostok, GMT+10)");
    expect(emailTime(AT, "America/New_York", "en")).toBe("2 December 2026, 00:04 (America/New York, GMT-5)");
    expect(emailTime(AT, "UTC", "en")).toBe("2 December 2026, 05:04 (UTC)");
    expect(emailTime(AT, "Mars/Olympus", "en")).toBe("2 December 2026, 05:04 (UTC)");
  });

  it("moves the date with the zone: late evening in New York is the next morning in Vladivostok", () => {
    const at = Date.UTC(2026, 11, 2, 23, 30);
    expect(emailTime(at, "America/New_York", "en")).toMatch(/^2 December 2026, 18:30 /);
    expect(emailTime(at, "Asia/Vladivostok", "ru")).toMatch(/^3 декабря 2026 г\., 09:30 /);
  });
});

describe("followupEmail", () => {
  it("names someone an operator let in by email as themselves, never as the visitor", () => {
    const mail = followupEmail({
      site: "Lamps",
      locale: "en",
      timezone: "UTC",
      answers: [{ seq: 3, author: { kind: "operator", name: "Olga" }, text: "Done.", at: AT }],
      context: [
        { seq: 1, author: { kind: "visitor" }, text: "Hi", at: AT },
        { seq: 2, author: { kind: "guest", name: "bob@work.example" }, text: "I am her colleague", at: AT },
      ],
      unsubscribeUrl: "https://chat.example/u",
    });
    expect(mail.text).toContain("You (2 December 2026, 05:04 (UTC)):\nHi");
    expect(mail.text).toContain("bob@work.example by email (2 December 2026, 05:04 (UTC)):\nI am her colleague");
  });
});
