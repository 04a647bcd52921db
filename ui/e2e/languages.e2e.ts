// Members' languages in the real app: Bengali switched on in Settings (shown as not yet
// checked), a household registered with Bengali as its language, its welcome sheet printed:
// the PDF is made and reads in Bengali, then English. This computer's desk is named too.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { demoDataDir, launch, stopAfterTest, DEMO } from "./app";

afterEach(({ task }) => stopAfterTest(task));

describe("languages", () => {
  it("registers a household in Bengali and prints its welcome sheet", async () => {
    const app = await launch(demoDataDir(20), "Counter", DEMO.admin);
    await app.click("Settings");
    await app.heading("Settings");
    await app.row("Bengali (বাংলা)", "Not yet checked by a native speaker");
    await app.tick("Bengali (বাংলা)");
    await app.fill("Opening times (printed on the welcome sheet)", "Tuesday and Friday 10am to 1pm");
    await app.click("Save member languages");
    await app.text("Member languages saved.");
    await app.screenshot("settings-member-languages");
    // This computer's desk is named once; the audit trail shows where each entry was written.
    await app.fill("Desk name", "Front door");
    await app.click("Save desk name");
    await app.text("This computer is Front door now.");
    await app.element("//dt[normalize-space()='Desk']/following-sibling::dd[1][normalize-space()='Front door']");
    await app.screenshot("settings-desk-named");

    await app.click("Members");
    await app.heading("Members");
    await app.click("Register a household");
    await app.heading("Register a household");
    await app.fill("Lead member's name", "Tahmina Akhter-Zaman");
    await app.fill("Postcode", "OL8 1ZZ");
    await app.choose("Preferred language", "Bengali (বাংলা)");
    await app.tick("The member agreed");
    await app.screenshot("members-register-bengali");
    await app.click("Register household");

    await app.heading("Tahmina Akhter-Zaman");
    await app.text("Bengali (বাংলা)");
    await app.click("Print welcome sheet");
    await app.containing("Welcome sheet ready to print");
    await app.screenshot("members-welcome-printed");
    const pdf = await (await app.element("//div[contains(@class, 'banner')]/span[@class='path']")).getText();
    expect(existsSync(pdf)).toBe(true);
    const text = execFileSync("pdftotext", [pdf, "-"]).toString();
    expect(text).toContain("স্বাগতম");
    expect(text).toContain("Welcome to");
    expect(text).toContain("Tuesday and Friday 10am to 1pm");
  });
});
