// Referrals in the real app: add an agency, refer a member, print the slip, record contact
// and the outcome and see the follow-up list follow; every mistake of the form at once; Enter
// picks the one matching member or agency; with no agencies, the way to add one.
import { execFileSync } from "node:child_process";
import { By } from "selenium-webdriver";
import { afterEach, describe, expect, it } from "vitest";
import { type App, demoDataDir, launch, stopAfterTest, DEMO } from "./app";

afterEach(({ task }) => stopAfterTest(task));

describe("referrals", () => {
  it("refers a member, prints the slip, records the outcome and clears the follow-up list", async () => {
    const app = await launch(demoDataDir(20), "Counter", DEMO.admin);
    // Follow up at once, so the new referral is on the follow-up list.
    await app.click("Settings");
    await app.fill("Follow up referrals after (days)", "0");
    await app.click("Save settings");
    await app.containing("Saved at");
    // The audit trail on the same screen shows the change at once.
    await app.element(`//section[@aria-labelledby='audit-title']//td[normalize-space()="Alex changed the pantry's settings."]`);

    await app.click("Referrals");
    await app.heading("Referrals");
    await app.click("Add an agency");
    await app.fill("Agency name", "Hillside Money Advice");
    await app.choose("Kind of help", "Money and debt advice");
    await app.fill("Phone", "0161 496 0000");
    await app.fill("Opening hours", "Mon–Fri 9:30–16:00");
    await app.click("Save agency");
    await app.text("Hillside Money Advice is saved in the directory.");

    await app.click("Make a referral");
    await app.heading("Make a referral");
    await app.fill("Member (name or number)", "00000018");
    const match = await app.element("//ul[@aria-label='Matching members']//button");
    const member = (await match.getText()).split(" 00000018")[0];
    await match.click();
    await app.choose("Agency", "Hillside Money Advice");
    await app.choose("Reason", "Debt advice");
    await app.fill("More about the reason", "Council tax arrears");
    await app.click("Make the referral");
    // Without consent nothing is made.
    await app.containing("no referral is made without their consent");
    await app.tick("The member agreed");
    await app.click("Make the referral");
    // The reference reads unlike a membership number (the demo pantry's own referrals come first).
    const made = await (await app.containing("to Hillside Money Advice is made.")).getText();
    const reference = /R-\d{4} \d{4}/.exec(made)?.[0] ?? "";
    expect(reference).not.toBe("");
    await app.click("Print the slip");
    await app.containing("ready to print");
    const pdf = await (await app.element("//div[contains(@class, 'banner')]/span[@class='path']")).getText();
    const text = execFileSync("pdftotext", [pdf, "-"]).toString();
    expect(text).toContain("Hillside Money Advice");
    expect(text).toContain(member);
    expect(text).toContain(`Ref ${reference}`);
    await app.screenshot("referrals-made");

    await app.click("← Back to referrals");
    const followUp = `//section[@aria-label='Follow up']//tr[td[normalize-space()=${JSON.stringify(reference)}]]`;
    await app.element(`${followUp}[td[normalize-space()=${JSON.stringify(member)}]]`);
    // Recording contact: the follow-up list shows it at once.
    await (await app.element(`${followUp}//button[normalize-space()='Contacted']`)).click();
    await app.text("Contact recorded.");
    await app.element(`${followUp}[td[normalize-space()='Contacted']]`);
    await (await app.element(`${followUp}//button[normalize-space()='Record outcome']`)).click();
    await app.choose(`Outcome of ${reference}`, "Advice given");
    await app.click("Save outcome");
    await app.text("Outcome recorded: the referral is closed.");
    await app.driver.wait(async () => (await app.driver.findElements(By.xpath(followUp))).length === 0, 5000);
    await app.screenshot("referrals-list");

    // The household page lists the referral with its outcome, and can start another.
    await app.click("Members");
    await app.fill("Search members", "00000018");
    await (await app.button(member)).click();
    await app.heading(member);
    await app.row(reference, "Hillside Money Advice", "Outcome: Advice given");
    await app.click("Make a referral");
    await app.heading("Make a referral");
    await app.containing(`Referring ${member} (00000018).`);
  });

  it("shows every mistake at once, picks the one match with Enter, and adds an agency on the way", async () => {
    const app = await launch(demoDataDir(20, "--no-referrals"), "Counter", DEMO.admin);
    await app.click("Referrals");
    await app.heading("Referrals");
    await app.click("Make a referral");
    await app.heading("Make a referral");

    // No agencies yet: the form says how to add one.
    await app.containing("No agencies yet");
    // Nothing filled in: every mistake at once, the member's too.
    await app.click("Make the referral");
    expect(await app.fieldError("Member (name or number)")).toBe("Find the member first: type part of their name or number.");
    expect(await app.fieldError("Reason")).toBe("Choose the reason for the referral.");
    await app.containing("Choose the agency.");
    await app.containing("no referral is made without their consent");
    await app.screenshot("referrals-every-mistake");

    // Enter in the member box picks the one member with that number (and sends nothing).
    await app.fill("Member (name or number)", "00000018\n");
    await app.containing("Referring ");
    const memberBox = await app.field("Member (name or number)");
    expect(await memberBox.getAttribute("aria-invalid")).toBeNull();
    const member = await memberBox.getAttribute("value");

    // Adding an agency from here comes back with it chosen, and the member kept.
    await app.click("Add an agency");
    await app.heading("Add an agency");
    await app.fill("Agency name", "Hillside Money Advice");
    await app.choose("Kind of help", "Money and debt advice");
    await app.fill("Phone", "0161 496 0000");
    await app.click("Save agency");
    await app.heading("Make a referral");
    await chosenAgency(app, "Hillside Money Advice");
    await app.containing(`Referring ${member} (00000018).`);
    await app.click("Add an agency");
    await app.heading("Add an agency");
    await app.fill("Agency name", "Brookfield Energy Savers");
    await app.choose("Kind of help", "Energy advice");
    await app.fill("Phone", "0161 496 0001");
    await app.click("Save agency");
    await app.heading("Make a referral");
    await chosenAgency(app, "Brookfield Energy Savers");

    // Enter in the agency finder picks the one agency that matches (by name or kind of help).
    await app.fill("Find an agency (name or kind of help)", "money\n");
    await chosenAgency(app, "Hillside Money Advice");
    await app.choose("Reason", "Debt advice");
    await app.tick("The member agreed");
    await app.click("Make the referral");
    await app.containing("to Hillside Money Advice is made.");
  });
});

/** Waits until the agency chosen in the referral form is this one. */
async function chosenAgency(app: App, name: string): Promise<void> {
  const select = await app.field("Agency");
  await app.driver.wait(async () => (await select.findElement(By.css("option:checked")).getText()) === name, 5000);
}
