// Reports in the real app: the dashboard renders with demo data; last month's landlord
// summary is previewed and exported as CSV and PDF, and both exports are in the history.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { demoDataDir, launch, stopAfterTest, DEMO } from "./app";

afterEach(({ task }) => stopAfterTest(task));

describe("reports", () => {
  it("shows the dashboard and exports last month as CSV and PDF", async () => {
    const app = await launch(demoDataDir(120), "Counter", DEMO.manager);
    await app.click("Reports");
    await app.heading("Reports");
    await app.element("//figure[figcaption[normalize-space()='Visits per week (last 12 weeks)']]//*[local-name()='rect']");
    await app.containing("referrals awaiting follow-up");
    await app.screenshot("reports-dashboard");

    const status = await app.containing("Period:");
    const label = (await status.getText()).replace("Period: ", "");
    await app.click("Preview");
    await app.row("All neighbourhoods");

    const exported = async (button: string, format: string) => {
      await app.click(button);
      await app.containing(`${label} summary exported (${format})`);
      const paths = await app.driver.findElements({ xpath: "//div[contains(@class, 'banner')]/span[@class='path']" });
      const path = await paths[paths.length - 1].getText();
      expect(path.endsWith(`.${format.toLowerCase()}`)).toBe(true);
      return path;
    };
    const csv = readFileSync(await exported("Export CSV", "CSV"), "utf8");
    expect(csv.startsWith("\ufeffpantry_code,period_from,period_to,breakdown,group,measure,value")).toBe(true);
    expect(csv).toContain("DEMO,");
    const pdf = await exported("Export PDF", "PDF");
    const text = execFileSync("pdftotext", [pdf, "-"]).toString();
    expect(text).toContain("Demo Community Pantry");
    expect(text).toContain(label);
    expect(text).toContain("Anonymous by design");
    await app.row("CSV");
    await app.row("PDF");
    await app.screenshot("reports-exported");
  });
});
