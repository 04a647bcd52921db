import { describe, expect, it } from "vitest";
import { count, pounds, ukDate } from "./format";
import figures from "./figures.json";

describe("format", () => {
  it("writes dates day first", () => {
    expect(ukDate("2024-04-03")).toBe("03/04/2024");
    expect(ukDate("2024-04-03T10:00:00Z")).toBe("03/04/2024");
  });
  // The same cases as the library's src/money.rs, so screens and PDFs agree.
  it("writes pence as pounds, with thousands and a true minus", () => {
    expect(figures.pounds).toHaveLength(9);
    for (const [pence, text] of figures.pounds) expect(pounds(pence as number)).toBe(text);
  });
  it("writes counts with thousands", () => {
    expect(figures.count).toHaveLength(6);
    for (const [n, text] of figures.count) expect(count(n as number)).toBe(text);
  });
});
