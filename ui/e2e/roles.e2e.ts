// Sign-in and roles in the real app: a counter volunteer is not offered a manager-only action
// and is told plainly who can do it; a manager signs in and it works; the audit trail shows it.
// (The library's refusal of every operation to every lesser role, and its audit, is
// tests/roles.rs: the screens now only offer what the library says the role may do.)
import { By } from "selenium-webdriver";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO, demoDataDir, launch, stopAfterTest } from "./app";

afterEach(({ task }) => stopAfterTest(task));

describe("roles", () => {
  it("offers a stock count to a manager but not to a counter volunteer, auditing the manager's", async () => {
    const app = await launch(demoDataDir(20), "Counter", DEMO.counter);
    await app.containing("counter volunteer");
    await app.click("Stock");
    await app.heading("Stock");
    await app.containing("Item changes, waste, stock counts and opening stock need a manager.");
    expect(await app.driver.findElements(By.xpath("//button[normalize-space()='Stock count']"))).toHaveLength(0);
    await app.button("Receive a delivery");
    await app.screenshot("roles-withheld");

    await app.click("Switch volunteer");
    await app.signIn({ name: DEMO.manager.name, pin: "0000" });
    await app.containing("That PIN is not right");
    await app.signIn(DEMO.manager);
    // The next volunteer starts at the Counter.
    await app.heading("Counter");
    await app.click("Stock");
    await app.heading("Stock");
    await app.click("Stock count");
    await app.click("Start a stock count");
    await app.containing("not counted yet");

    await app.click("Settings");
    await app.heading("Settings");
    await app.click("Show");
    const audit = "//section[@aria-labelledby='audit-title']";
    await app.element(`${audit}//td[normalize-space()='Pat started a stock count.']`);
    await app.element(`${audit}//td[normalize-space()='A wrong PIN was typed for Pat.']`);
    await app.driver.executeScript("document.getElementById('audit-title').scrollIntoView()");
    await app.screenshot("roles-audit");
  });
});
