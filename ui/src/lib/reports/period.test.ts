import { describe, expect, it } from "vitest";
import { periodText } from "./period";

describe("periodText", () => {
  const today = new Date(2026, 0, 14); // Wednesday 14 January 2026

  it("names months and quarters across a year boundary", () => {
    expect(periodText("lastMonth", today)).toBe("2025-12");
    expect(periodText("thisMonth", today)).toBe("2026-01");
    expect(periodText("lastQuarter", today)).toBe("2025-Q4");
    expect(periodText("thisQuarter", today)).toBe("2026-Q1");
  });

  it("starts last week on its Monday and passes custom dates through", () => {
    expect(periodText("lastWeek", today)).toBe("week:2026-01-05");
    expect(periodText("custom", today, " 2025-10-01", "2025-10-31 ")).toBe("2025-10-01..2025-10-31");
  });
});
