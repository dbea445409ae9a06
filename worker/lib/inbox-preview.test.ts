import { describe, expect, it } from "vitest";
import { decodePreview, encodePreview } from "./inbox-preview";

describe("a preview as a socket message", () => {
  const frame = JSON.stringify({ type: "conversation", conversation: { id: "c1", text: "two\nlines and a space" } });

  it("reads back as it was written, whatever its frame holds", () => {
    const preview = { id: "c1", rev: 12, lastSeq: 9, frame };
    expect(decodePreview(encodePreview(preview))).toEqual(preview);
    const first = { id: "c1", rev: 0, lastSeq: 0, frame: "{}" };
    expect(decodePreview(encodePreview(first))).toEqual(first);
  });

  it("is nothing when it is not one", () => {
    for (const bad of [
      "",
      "c1 12 9",
      `c1\n${frame}`,
      `c1 12\n${frame}`,
      ` 12 9\n${frame}`,
      `c1 -1 9\n${frame}`,
      `c1 12 -9\n${frame}`,
      `c1 1.5 9\n${frame}`,
      `c1 NaN 9\n${frame}`,
      `c1 12 1e400\n${frame}`,
      `c1 12 \n${frame}`,
      `c1 12 9 8\n${frame}`,
      "c1 12 9\n<b>markup</b>",
      "c1 12 9\n",
    ]) {
      expect(decodePreview(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(decodePreview(new TextEncoder().encode(`c1 12 9\n${frame}`).buffer as ArrayBuffer)).toBeNull();
  });
});
