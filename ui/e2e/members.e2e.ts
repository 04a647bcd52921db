// Members in the real app: register, find, edit with history, duplicates (never a dead end),
// every mistake shown at once, spreadsheet import.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type App, demoDataDir, launch, stopAfterTest, DEMO } from "./app";

afterEach(({ task }) => stopAfterTest(task));

/** The consent checkbox of the registration form. */
const CONSENT = "//label[starts-with(normalize-space(), 'The member agreed')]//input[@type='checkbox']";

async function openMembers(households: number): Promise<App> {
  const dataDir = demoDataDir(households);
  const app = await launch(dataDir, "Counter", DEMO.manager);
  await app.click("Members");
  await app.heading("Members");
  return app;
}

describe("members", () => {
  it("registers a household, finds it by part of its name, edits it and shows the change in history", async () => {
    const app = await openMembers(300);
    await app.containing("of 300");
    await app.screenshot("members-list");

    await app.click("Register a household");
    await app.heading("Register a household");
    await app.fill("Lead member's name", "Ngozi Okonkwo-Brown");
    await app.fill("Adults", "2");
    await app.fill("Children", "3");
    await app.fill("Postcode", "ol8 1zz");
    await app.tick("Peanuts");
    await app.tick("Halal");
    await app.tick("The member agreed");
    await app.screenshot("members-register-form");
    await app.click("Register household");

    await app.heading("Ngozi Okonkwo-Brown");
    await app.containing("Allergies: Peanuts");
    await app.row("registered");
    await app.screenshot("members-household-page");

    // Print the card: a real PDF whose barcode scans to the card number shown.
    await app.click("Print card");
    await app.containing("1 card ready to print");
    const pdf = await (await app.element("//div[contains(@class, 'banner')]/span[@class='path']")).getText();
    execFileSync("pdftoppm", ["-r", "300", "-png", pdf, join(app.dataDir, "card")]);
    const scanned = execFileSync("zbarimg", ["--quiet", "--raw", join(app.dataDir, "card-1.png")]).toString().trim();
    await app.row(scanned, "Current");

    // A lost card is replaced: the old one shows as replaced, with the reason.
    await app.click("Replace lost card");
    await app.fill("Why is the card replaced?", "Lost on the bus");
    await app.click("Replace the card");
    await app.text("The old card is cancelled and a new card is ready to print.");
    await app.row(scanned, "Replaced " + new Date().toLocaleDateString("en-GB") + " (Lost on the bus)");

    await app.click("← Back to members");
    await app.heading("Members");
    await app.fill("Search members", "okonk");
    await (await app.button("Ngozi Okonkwo-Brown")).click();
    await app.heading("Ngozi Okonkwo-Brown");

    await app.click("Edit details");
    await app.fill("Children", "1");
    await app.click("Save changes");
    await app.text("Changes saved.");
    await app.row("edited: Children", "3", "1");

    // The same surname at the same postcode is flagged before a second registration.
    await app.click("← Back to members");
    await app.click("Register a household");
    await app.fill("Lead member's name", "Chidi Okonkwo-Brown");
    await app.fill("Postcode", "OL8 1ZZ");
    await app.tick("The member agreed");
    await app.click("Register household");
    await app.text("This household may already be registered");
    await app.containing("Same surname and postcode");
    expect(await (await app.button("Register anyway")).isEnabled()).toBe(false);
    await app.screenshot("members-duplicate-warning");
    await app.fill("Reason to register anyway", "Brother, lives in the same flat");
    await app.click("Register anyway");
    await app.heading("Chidi Okonkwo-Brown");
    await app.row("registered despite a possible duplicate — Brother, lives in the same flat");
  });

  it("keeps the form usable beside the duplicate warning: consent can be ticked, and the reason is kept", async () => {
    const app = await openMembers(20);
    await app.click("Register a household");
    await app.heading("Register a household");
    await app.fill("Lead member's name", "Amara Quenby-Nwosu");
    await app.fill("Postcode", "OL9 7QT");
    await app.tick("The member agreed");
    await app.click("Register household");
    await app.heading("Amara Quenby-Nwosu");

    // The same surname at the same postcode, and consent not ticked yet.
    await app.click("← Back to members");
    await app.click("Register a household");
    await app.heading("Register a household");
    await app.fill("Lead member's name", "Obi Quenby-Nwosu");
    await app.fill("Postcode", "OL9 7QT");
    await app.click("Register household");
    await app.text("This household may already be registered");
    await app.fill("Reason to register anyway", "Her brother, a separate household");

    // Back to the details and on again: the reason typed is still there.
    await app.click("Change the details");
    await app.fill("Children", "2");
    await app.click("Register household");
    await app.text("This household may already be registered");
    expect(await app.value("Reason to register anyway")).toBe("Her brother, a separate household");

    // Registering anyway without consent says so beside the consent box, which can be ticked.
    await app.click("Register anyway");
    await app.containing("a household cannot be registered without consent");
    const consent = await app.element(CONSENT);
    await app.driver.wait(async () => (await consent.getAttribute("aria-invalid")) === "true", 5000);
    expect(await consent.isEnabled()).toBe(true);
    expect(await (await app.field("Children")).isEnabled()).toBe(true);
    await app.screenshot("members-duplicate-consent");
    await app.tick("The member agreed");
    // Its message goes as soon as it is ticked.
    await app.driver.wait(async () => (await consent.getAttribute("aria-invalid")) === null, 5000);
    await app.click("Register anyway");
    await app.heading("Obi Quenby-Nwosu");
    await app.row("registered despite a possible duplicate — Her brother, a separate household");
  });

  it("shows every mistake of the registration form at once, each beside its field, and clears one as it is changed", async () => {
    const app = await openMembers(20);
    await app.click("Register a household");
    await app.heading("Register a household");
    await app.fill("Adults", "0");
    await app.fill("Postcode", "not a postcode");
    await app.fill("Email", "nobody-at-example");
    await app.tick("The member agreed");
    await app.click("Register household");

    expect(await app.fieldError("Lead member's name")).toBe("Enter the lead member's name.");
    expect(await app.fieldError("Adults")).toBe("Adults must be a whole number from 1 to 20.");
    expect(await app.fieldError("Postcode")).toBe("Enter a UK postcode, for example OL1 3BQ.");
    expect(await app.fieldError("Email")).toMatch(/^Enter an email address/);
    await app.screenshot("members-register-mistakes");

    // Changing a field takes its message away at once; the others stay until they are changed.
    await app.fill("Postcode", "OL1 2AB");
    const postcode = await app.field("Postcode");
    await app.driver.wait(async () => (await postcode.getAttribute("aria-invalid")) === null, 5000);
    expect(await (await app.field("Lead member's name")).getAttribute("aria-invalid")).toBe("true");
    expect(await (await app.field("Adults")).getAttribute("aria-invalid")).toBe("true");

    await app.fill("Lead member's name", "Kemi Zyskowska-Adebayo");
    await app.fill("Adults", "1");
    await app.fill("Email", "");
    await app.click("Register household");
    await app.heading("Kemi Zyskowska-Adebayo");
  });

  it("imports a small CSV and reports the bad row with its line and column", async () => {
    const app = await openMembers(20);
    const csv = join(app.dataDir, "new-members.csv");
    writeFileSync(
      csv,
      "Name,Postcode,Adults,Children,Date joined,Consent\r\n" +
        "Ayşe Yılmaz,OL1 2AB,1,2,03/04/2024,yes\r\n" +
        "Bad Postcode,NOT ONE,1,0,,yes\r\n" +
        "Tomás Ó Briain,OL4 5CD,2,0,,yes\r\n",
    );
    await app.click("Import from a spreadsheet");
    await app.heading("Import members from a spreadsheet");
    await (await app.field("Spreadsheet file")).sendKeys(csv);
    expect(await app.value("Column “Name”")).toBe("leadName");
    expect(await app.value("Column “Date joined”")).toBe("joinedOn");
    await app.click("Check every row");
    await app.containing("2 rows ready to import");
    await app.row("3", "Postcode", "Enter a UK postcode, for example OL1 3BQ.");
    await app.screenshot("members-import-report");
    await app.click("Import the 2 good rows and skip the rest");
    await app.containing("2 households imported");

    await app.click("← Back to members");
    await app.fill("Search members", "ayse");
    await app.button("Ayşe Yılmaz");
  });
});
