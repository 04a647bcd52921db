import { describe, expect, it } from "vitest";
import { columnBlocks } from "./reports.svelte";

describe("columnBlocks", () => {
  it("shares the summary's columns out evenly in blocks of at most the size", () => {
    expect(columnBlocks(11, 6)).toEqual([[0, 6], [6, 11]]);
    expect(columnBlocks(13, 6)).toEqual([[0, 5], [5, 10], [10, 13]]);
    expect(columnBlocks(6, 6)).toEqual([[0, 6]]);
    expect(columnBlocks(3, 6)).toEqual([[0, 3]]);
  });
  it("keeps one block when there are no columns", () => {
    expect(columnBlocks(0, 6)).toEqual([[0, 0]]);
  });
});
