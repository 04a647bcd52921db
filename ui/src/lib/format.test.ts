import { describe, expect, it } from "vitest";
import { pounds, ukDate } from "./format";

describe("format", () => {
  it("writes dates day first", () => {
    expect(ukDate("2024-04-03")).toBe("03/04/2024");
    expect(ukDate("2024-04-03T10:00:00Z")).toBe("03/04/2024");
  });
  it("writes pence as pounds", () => {
    expect(pounds(350)).toBe("£3.50");
    expect(pounds(5)).toBe("£0.05");
  });
});
