// Sign-in and roles in the real app: a counter volunteer is refused a manager-only action
// with a clear message; a manager signs in and it works; the audit trail shows both.
import { afterEach, describe, it } from "vitest";
import { DEMO, demoDataDir, launch, stopAfterTest } from "./app";

afterEach(({ task }) => stopAfterTest(task));

describe("roles", () => {
  it("refuses a stock count to a counter volunteer and allows it to a manager, auditing both", async () => {
    const app = await launch(demoDataDir(20), "Counter", DEMO.counter);
    await app.containing("counter volunteer");
    await app.click("Stock");
    await app.heading("Stock");
    await app.click("Stock count");
    await app.heading("Stock count");
    await app.click("Start a stock count");
    await app.containing("Running a stock count needs a manager; Sam is signed in as a counter volunteer.");
    await app.screenshot("roles-refused");

    await app.click("Switch volunteer");
    await app.signIn({ name: DEMO.manager.name, pin: "0000" });
    await app.containing("That PIN is not right");
    await app.signIn(DEMO.manager);
    await app.heading("Stock");
    await app.click("Stock count");
    await app.click("Start a stock count");
    await app.containing("not counted yet");

    await app.click("Settings");
    await app.heading("Settings");
    await app.click("Show");
    const audit = "//section[@aria-labelledby='audit-title']";
    await app.element(`${audit}//tr[td[normalize-space()='Sam'] and td[normalize-space()='refused']]`);
    await app.element(`${audit}//tr[td[normalize-space()='Pat'] and td[normalize-space()='stock.count.started']]`);
    await app.element(`${audit}//tr[td[normalize-space()='Pat'] and td[normalize-space()='sign-in-failed']]`);
    await app.driver.executeScript("document.getElementById('audit-title').scrollIntoView()");
    await app.screenshot("roles-audit");
  });
});
