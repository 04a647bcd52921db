// Making a referral: every mistake at once, Enter picks the one match, an agency can be added
// on the way, and the follow-up list is current after each action.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { ReferralsState } from "./referrals.svelte";

afterEach(() => clearMocks());

const options = {
  kinds: [{ value: "money", label: "Money and debt advice" }, { value: "housing", label: "Housing" }],
  reasons: [],
  urgencies: [],
  outcomes: [],
  consentWording: "",
  followUpDays: 14,
};
const agency = (id: number, name: string, kind = "money", active = true) => ({
  id, name, kind, contactPerson: "", phone: "", email: "", address: "", openingHours: "", howToRefer: "", active,
});
const member = (id: number, leadName: string) => ({ id, leadName, membershipNumber: `0000000${id}`, postcode: "OL1 2AB" });

function library(overrides: (cmd: string, args: unknown) => unknown = () => undefined) {
  const calls: [string, unknown][] = [];
  mockIPC((cmd, args) => {
    calls.push([cmd, args]);
    const answer = overrides(cmd, args);
    if (answer !== undefined) return answer;
    if (cmd === "referrals_options") return options;
    if (cmd === "referrals_agencies") return [agency(1, "Hillside Money Advice"), agency(2, "Brookfield Housing Aid", "housing"), agency(3, "Old Advice", "money", false)];
    if (cmd === "referrals_open") return [];
    if (cmd === "referrals_find_agencies") {
      // As the library answers: the agencies in use whose name or kind holds the text.
      const text = (args as { text: string }).text.toLowerCase();
      return [[1, "hillside money advice money and debt advice"], [2, "brookfield housing aid housing"]]
        .filter(([, words]) => (words as string).includes(text))
        .map(([id]) => id);
    }
  });
  return calls;
}

describe("ReferralsState", () => {
  it("with no member chosen, shows that and every other mistake at once, and makes nothing", async () => {
    library((cmd) => {
      if (cmd === "referrals_make") {
        throw {
          kind: "validation",
          message: "Please correct the 2 highlighted fields.",
          fields: [
            { field: "householdId", message: "Find the member first: type part of their name or number." },
            { field: "agencyId", message: "Choose the agency." },
            { field: "consentGiven", message: "Tick the box." },
          ],
        };
      }
    });
    const referrals = new ReferralsState();
    await referrals.load();
    referrals.show({ kind: "make" });
    await referrals.make();
    expect(referrals.task.fields).toEqual({
      agencyId: "Choose the agency.",
      consentGiven: "Tick the box.",
      householdId: "Find the member first: type part of their name or number.",
    });
    expect(referrals.made).toBeNull();
  });

  it("Enter in the agency finder picks the one agency in use that matches, by name or kind", async () => {
    library();
    const referrals = new ReferralsState();
    await referrals.load();
    referrals.show({ kind: "make" });
    referrals.agencyQuery = "advice";
    await referrals.enterAgency();
    // "Old Advice" is not in use, so only one matches.
    expect(referrals.form.agencyId).toBe(1);
    referrals.agencyQuery = "housing";
    await referrals.enterAgency();
    expect(referrals.form.agencyId).toBe(2);
    referrals.agencyQuery = "a";
    await referrals.enterAgency();
    expect(referrals.form.agencyId).toBe(2);
    expect(referrals.pickHint).toEqual({ field: "agency", message: "2 agencies match: choose one from the list." });
    expect(referrals.agencyMatches.map((a) => a.id)).toEqual([1, 2]);
  });

  it("an answer for text typed over is dropped: Enter waits for the answer to what is there now", async () => {
    let answer: (ids: number[]) => void = () => {};
    library((cmd, args) => {
      if (cmd === "referrals_find_agencies" && (args as { text: string }).text === "h") {
        return new Promise<number[]>((resolve) => (answer = resolve));
      }
    });
    const referrals = new ReferralsState();
    await referrals.load();
    referrals.show({ kind: "make" });
    referrals.agencyQuery = "h";
    const slow = referrals.findAgencies();
    referrals.agencyQuery = "housing";
    await referrals.enterAgency();
    expect(referrals.form.agencyId).toBe(2);
    answer([1, 2]);
    await slow;
    expect(referrals.agencyMatchesFor).toBe("housing");
    expect(referrals.agencyMatches.map((a) => a.id)).toEqual([2]);
  });

  it("Enter in the member box picks the one member that matches what is typed", async () => {
    library((cmd, args) => {
      if (cmd === "households_list") {
        const text = (args as { query: { text: string } }).query.text;
        return { items: text === "ngozi" ? [member(7, "Ngozi Adeyemi")] : [member(7, "Ngozi Adeyemi"), member(8, "Ngozi Obi")], total: 0 };
      }
    });
    const referrals = new ReferralsState();
    referrals.memberQuery = "ngo";
    await referrals.enterMember();
    expect(referrals.member).toBeNull();
    expect(referrals.pickHint?.message).toBe("2 members match: pick one from the list.");
    referrals.memberQuery = "ngozi";
    await referrals.enterMember();
    expect(referrals.member?.id).toBe(7);
    expect(referrals.form.householdId).toBe(7);
  });

  it("an agency added from the referral form is chosen there, and the referral typed is kept", async () => {
    let agencies = [agency(1, "Hillside Money Advice")];
    library((cmd) => {
      if (cmd === "referrals_agencies") return agencies;
      if (cmd === "referrals_save_agency") {
        agencies = [...agencies, agency(9, "Brookfield Housing Aid", "housing")];
        return agencies[1];
      }
    });
    const referrals = new ReferralsState();
    await referrals.load();
    referrals.show({ kind: "make" });
    referrals.chooseMember(member(7, "Ngozi Adeyemi"));
    referrals.form.reasonDetail = "Arrears";
    referrals.addAgencyForReferral();
    expect(referrals.view.kind).toBe("agency");
    referrals.agencyForm.name = "Brookfield Housing Aid";
    expect(await referrals.saveAgency()).toBe(true);
    expect(referrals.view.kind).toBe("make");
    expect(referrals.form.agencyId).toBe(9);
    expect(referrals.member?.id).toBe(7);
    expect(referrals.form.reasonDetail).toBe("Arrears");
    expect(referrals.notice).toBe("Brookfield Housing Aid is saved in the directory.");
  });

  it("shows the follow-up list as it is now even when recording the outcome is refused", async () => {
    let open = [{ referral: { id: 4 }, due: true }];
    library((cmd) => {
      if (cmd === "referrals_open") return open;
      if (cmd === "referrals_outcome") {
        open = [];
        throw { kind: "conflict", message: "This referral is already closed." };
      }
    });
    const referrals = new ReferralsState();
    await referrals.load();
    expect(referrals.due).toHaveLength(1);
    expect(await referrals.outcome(4, "adviceGiven" as never, "")).toBe(false);
    expect(referrals.task.problem).toBe("This referral is already closed.");
    expect(referrals.due).toHaveLength(0);
  });
});
