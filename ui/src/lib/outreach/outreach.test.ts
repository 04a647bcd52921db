// Deliveries & calls: the round's households ticked as the library suggests, moved by hand,
// planned in that order; a scan says what it recorded (by the parcel's reference, not who it
// was for) and clears the box only when it worked;
// "needs help" opens the referral part of a call.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { DeliveryOutcome } from "../bindings/DeliveryOutcome";
import type { RoundStop } from "../bindings/RoundStop";
import { CallsState, RoundState } from "./outreach.svelte";

afterEach(() => clearMocks());

const suggestion = (householdId: number, name: string, due = true) => ({
  householdId, membershipNumber: `0000000${householdId}`, name, postcode: "OL1 3BQ", due, reasons: due ? [] : ["Already shopped this week."],
});
const stop = (id: number, name: string, outcome: DeliveryOutcome | null = null): RoundStop => ({
  id, position: id, householdId: id, membershipNumber: "", name, people: 1, addressLines: [], postcode: "OL1 3BQ",
  accessNotes: "", phone: "", parcels: 1, items: 5, packed: true, outcome, outcomeAt: null, outcomeBy: null,
  reference: `P-0000 000${id}`, barcode: "", alerts: [],
});

function library(answer: (cmd: string, args: Record<string, unknown>) => unknown) {
  const calls: [string, Record<string, unknown>][] = [];
  mockIPC((cmd, args) => {
    calls.push([cmd, args as Record<string, unknown>]);
    return answer(cmd, args as Record<string, unknown>);
  });
  return calls;
}

describe("RoundState", () => {
  it("ticks the due households, and plans the ticked ones in the order moved to", async () => {
    const calls = library((cmd, args) => {
      if (cmd === "outreach_round") return null;
      if (cmd === "outreach_suggest") return [suggestion(1, "Ada"), suggestion(2, "Ben", false), suggestion(3, "Cy")];
      if (cmd === "outreach_plan") {
        const form = args.form as { stops: { householdId: number }[]; order: string };
        return { id: 1, date: "2026-12-07", stops: form.stops.map((s) => stop(s.householdId, "x")) };
      }
    });
    const round = new RoundState();
    round.date = "2026-12-07";
    await round.load();
    expect(Object.entries(round.picks).map(([id, p]) => [Number(id), p.chosen])).toEqual([[1, true], [2, false], [3, true]]);
    round.move(2, -1);
    round.move(1, -1);
    expect(round.suggestions.map((s) => s.name)).toEqual(["Cy", "Ada", "Ben"]);
    expect(round.order).toBe("asGiven");
    expect(await round.plan()).toBe(true);
    const plan = calls.find(([cmd]) => cmd === "outreach_plan")![1].form as { stops: { householdId: number }[]; order: string };
    expect(plan.stops.map((s) => s.householdId)).toEqual([3, 1]);
    expect(plan.order).toBe("asGiven");
    expect(round.notice).toBe("Round planned: 2 stops.");
  });

  it("keeps what was scanned when the library refuses it, and clears it when recorded", async () => {
    let refuse = true;
    library((cmd) => {
      if (cmd === "outreach_scan") {
        if (refuse) throw { kind: "validation", message: "This is not a parcel label.", fields: [{ field: "scan", message: "This is not a parcel label." }] };
        return { id: 1, reference: "P-0000 0001", outcome: "delivered", changed: true };
      }
      if (cmd === "outreach_round") return { id: 1, date: "2026-12-07", stops: [stop(1, "Ada", "delivered")] };
    });
    const round = new RoundState();
    round.round = { id: 1, date: "2026-12-07", stops: [stop(1, "Ada")] };
    round.scanned = "00000018";
    await round.scan("Delivered");
    expect(round.scanned).toBe("00000018");
    expect(round.scanTask.field("scan")).toBe("This is not a parcel label.");
    refuse = false;
    round.scanned = "77000000000017";
    await round.scan("Delivered");
    expect(round.scanned).toBe("");
    expect(round.notice).toBe("P-0000 0001: delivered.");
    expect(round.round?.stops[0].outcome).toBe("delivered");
  });

  it("starts from the pantry's today, as the library says, not the computer's clock", async () => {
    const calls = library((cmd) => {
      if (cmd === "app_status") return { today: "2026-12-08" };
      if (cmd === "outreach_round") return null;
      if (cmd === "outreach_suggest") return [];
    });
    const round = new RoundState();
    await round.load();
    expect(round.date).toBe("2026-12-08");
    expect(calls.find(([cmd]) => cmd === "outreach_suggest")![1]).toEqual({ date: "2026-12-08" });
  });
});

describe("CallsState", () => {
  it("opens a referral for the member only when the call found they need help", () => {
    const calls = new CallsState();
    calls.start(7);
    calls.setOutcome("needsHelp");
    expect(calls.form.referral?.householdId).toBe(7);
    calls.setOutcome("fine");
    expect(calls.form.referral).toBeNull();
  });
});
