// The household page's state: a change reloads the page and closes its confirmation; a
// refused change says why and keeps what was typed.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { HouseholdPageState } from "./household-page.svelte";
import { RetentionState } from "./retention.svelte";

afterEach(() => clearMocks());

const page = (leadName: string) => ({ household: { id: 7, leadName }, history: [], visits: [], cards: [], referrals: [], form: {} });

describe("HouseholdPageState", () => {
  it("replaces a card with the reason typed, says so, closes the confirmation and reloads", async () => {
    const calls: [string, unknown][] = [];
    let loads = 0;
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "households_page") return page(`Ngozi ${++loads}`);
      if (cmd === "cards_reissue") return {};
    });
    const household = new HouseholdPageState(7);
    await household.load();
    household.confirm("card");
    household.reason = "Lost on the bus";
    expect(await household.replaceCard()).toBe(true);
    expect(calls).toContainEqual(["cards_reissue", { id: 7, reason: "Lost on the bus" }]);
    expect(household.notice).toBe("The old card is cancelled and a new card is ready to print.");
    expect(household.confirming).toBeNull();
    expect(household.reason).toBe("");
    expect(household.page?.household.leadName).toBe("Ngozi 2");
  });

  it("erases with the reason typed and says what the library says it did", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "households_page") return page("Erased household");
      if (cmd === "households_erase") {
        return {
          householdId: 7, at: "2026-12-02T10:00:00Z", filesDeleted: ["a.pdf", "b.pdf"], sharedFilesDeleted: ["b.pdf"], filesLeft: [],
          said: "Personal details erased. 2 files about this household deleted (cards, slips, exports). 1 of them was a sheet with other households' cards too, deleted whole: print those cards again if they are needed.",
        };
      }
    });
    const household = new HouseholdPageState(7);
    await household.load();
    household.confirm("erase");
    household.reason = "The member asked";
    expect(await household.erase()).toBe(true);
    expect(calls).toContainEqual(["households_erase", { id: 7, reason: "The member asked" }]);
    expect(household.notice).toBe(
      "Personal details erased. 2 files about this household deleted (cards, slips, exports). 1 of them was a sheet with other households' cards too, deleted whole: print those cards again if they are needed.",
    );
    expect(household.confirming).toBeNull();
  });

  it("keeps the confirmation and what was typed when the library refuses", async () => {
    mockIPC((cmd) => {
      if (cmd === "households_page") return page("Ngozi");
      if (cmd === "households_merge") throw { kind: "notFound", message: "No household has the number 00000099." };
    });
    const household = new HouseholdPageState(7);
    await household.load();
    household.notice = "Membership renewed.";
    household.confirm("merge");
    household.mergeNumber = "00000099";
    expect(await household.merge()).toBe(false);
    expect(household.task.problem).toBe("No household has the number 00000099.");
    expect(household.notice).toBeNull();
    expect(household.confirming).toBe("merge");
    expect(household.mergeNumber).toBe("00000099");
  });

  it("says where a subject access export was saved", async () => {
    mockIPC((cmd) => {
      if (cmd === "households_page") return page("Ngozi");
      if (cmd === "households_subject_access") return ["/exports/a.json", "/exports/a.pdf"];
    });
    const household = new HouseholdPageState(7);
    expect(await household.exportData()).toBe(true);
    expect(household.notice).toBe("Everything held about this household was saved to /exports/a.json and /exports/a.pdf");
  });

  it("prints the welcome sheet and opens it", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "members_print_welcome") return "/print/welcome-sheet.pdf";
    });
    const household = new HouseholdPageState(7);
    expect(await household.printWelcome()).toBe(true);
    expect(calls).toContainEqual(["members_print_welcome", { id: 7 }]);
    expect(calls.map(([cmd]) => cmd)).toContain("print_open");
    expect(household.job.file).toEqual({ path: "/print/welcome-sheet.pdf", summary: "Welcome sheet ready to print", replaced: "" });
  });
});

describe("RetentionState", () => {
  it("anonymises, says how many, and shows the list again", async () => {
    let previews = 0;
    mockIPC((cmd) => {
      if (cmd === "households_retention_preview") return { cutoff: "2024-01-01", months: 24, households: previews++ === 0 ? [{}] : [] };
      if (cmd === "households_retention_apply") return 1;
    });
    const retention = new RetentionState();
    await retention.load();
    retention.confirming = true;
    expect(await retention.apply()).toBe(true);
    expect(retention.done).toBe("1 households were anonymised.");
    expect(retention.confirming).toBe(false);
    expect(retention.preview?.households).toEqual([]);
  });
});
