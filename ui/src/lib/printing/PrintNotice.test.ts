// The notice after printing or exporting: a PDF is offered as a PDF, anything else as a file.
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import PrintNotice from "./PrintNotice.svelte";
import { PrintJob } from "./print-job.svelte";

let shown: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (shown) unmount(shown);
  shown = undefined;
  document.body.innerHTML = "";
});

function render(path: string): string[] {
  const job = new PrintJob();
  job.file = { path, summary: "October 2026 summary exported", replaced: "" };
  shown = mount(PrintNotice, { target: document.body, props: { job } });
  flushSync();
  return [...document.body.querySelectorAll("button")].map((b) => b.textContent ?? "");
}

describe("PrintNotice", () => {
  it("offers to open a spreadsheet as the file, not as a PDF", () => {
    expect(render("/exports/summary-2026-10.csv")).toContain("Open the file again");
    unmount(shown!);
    shown = undefined;
    expect(render("/exports/summary-2026-10.xlsx")).toContain("Open the file again");
  });

  it("offers to open a PDF as the PDF", () => {
    expect(render("/exports/cards.PDF")).toContain("Open the PDF again");
  });
});
