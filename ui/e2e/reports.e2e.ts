// Reports in the real app: the dashboard renders with demo data; last month's landlord
// summary is previewed (with households by language) and exported as CSV and PDF, and both
// exports are in the history; the preview fits 1366×768 with its last column on screen.
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
    // Households by language: English first, then the languages the demo pantry offers.
    const languages = await app.driver.findElements({ xpath: "//table[@aria-label='Households by language']//tbody/tr/td[1]" });
    const names = await Promise.all(languages.map((l) => l.getText()));
    expect(names.slice(0, 2)).toEqual(["English", "Arabic"]);
    expect(names).toContain("Polish");
    const table = await app.element("//table[@aria-label='Households by language']");
    await app.driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", table);
    await app.screenshot("reports-preview-languages");

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
    expect(csv).toMatch(/,households_by_language,English,households,\d+/);
    const pdf = await exported("Export PDF", "PDF");
    const text = execFileSync("pdftotext", [pdf, "-"]).toString();
    expect(text).toContain("Demo Community Pantry");
    expect(text).toContain(label);
    expect(text).toContain("Anonymous by design");
    expect(text).toContain("Households by language");
    await app.row("CSV");
    await app.row("PDF");
    await app.screenshot("reports-exported");
  });

  it("fits the whole preview at 1366×768: every figure on screen, the last column too", async () => {
    const app = await launch(demoDataDir(120), "Counter", DEMO.manager);
    await app.driver.manage().window().setRect({ x: 0, y: 0, width: 1366, height: 768 });
    await app.click("Reports");
    await app.heading("Reports");
    await app.containing("Period:");
    await app.click("Preview");
    const last = await app.element("(//table[contains(@class, 'summary-table')])[last()]//tr[td[normalize-space()='All neighbourhoods']]/td[last()]");
    await app.driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", last);
    const fit = await app.driver.executeScript<{ right: number; width: number; scrollWidth: number; headers: string[] }>(
      `const cells = [...document.querySelectorAll('.summary-table td, .summary-table th')];
       return { right: Math.max(...cells.map((c) => c.getBoundingClientRect().right)), width: window.innerWidth,
                scrollWidth: document.documentElement.scrollWidth,
                headers: [...document.querySelectorAll('.summary-table thead th')].map((h) => h.textContent.trim()) };`,
    );
    await app.screenshot("reports-preview-1366x768");
    expect(fit.headers).toContain("Estimated savings");
    expect(fit.right).toBeLessThanOrEqual(fit.width);
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.width);
    expect(await last.isDisplayed()).toBe(true);
  });
});
