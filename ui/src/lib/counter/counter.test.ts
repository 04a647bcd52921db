// The counter after recording: the card shows the new counts (asked for again), keeps saying
// the visit was recorded with its undo, and records once however often Enter is pressed.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CounterState } from "./counter.svelte";

afterEach(() => clearMocks());

function checkIn(id: number, visits: number, requestId: string) {
  return {
    household: { id, membershipNumber: "00003012", leadName: `Household ${id}`, people: "1 adult", allergies: [], dietary: [], dietaryNotes: "", status: "active", expiresOn: "2027-01-01", neighbourhood: null },
    cardNumber: null,
    verdict: visits === 0
      ? { eligible: true, reasons: [], visitsThisPeriod: 0, period: "this week" }
      : { eligible: false, reasons: [{ code: "visitLimit", message: "Already visited this week." }], visitsThisPeriod: visits, period: "this week" },
    lastVisit: visits === 0 ? null : "2026-11-18",
    feePence: 350,
    itemsDefault: 10,
    requestId,
  };
}

const visit = { id: 41, householdId: 301, at: "2026-11-18T10:00:00Z", items: 10, feePence: 350, feeMethod: "cash" };
const today = { date: "2026-11-18", visits: 1, households: 1, people: 1, items: 10, fees: [], recent: [], cashUp: null };

describe("CounterState", () => {
  it("after recording, shows the household's new visit count and last visit, still offering undo", async () => {
    const calls: string[] = [];
    let visits = 0;
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "visits_check_in") return checkIn(301, visits, `r${visits}`);
      if (cmd === "visits_record") {
        visits++;
        return visit;
      }
      if (cmd === "visits_today") return today;
    });
    const counter = new CounterState();
    await counter.pick(301);
    expect(counter.checkIn?.verdict.visitsThisPeriod).toBe(0);
    await counter.record();
    expect(counter.recorded?.id).toBe(41);
    expect(counter.checkIn?.verdict.visitsThisPeriod).toBe(1);
    expect(counter.checkIn?.lastVisit).toBe("2026-11-18");
    expect(counter.today?.visits).toBe(1);
    // Enter again records nothing more.
    await counter.enter();
    await counter.record();
    expect(calls.filter((c) => c === "visits_record")).toHaveLength(1);
  });

  it("does not put the visit on a household opened while it was being recorded", async () => {
    let release!: () => void;
    const recording = new Promise<void>((resolve) => (release = resolve));
    mockIPC(async (cmd, args) => {
      if (cmd === "visits_check_in") {
        const id = (args as { householdId: number }).householdId;
        return checkIn(id, 0, `r${id}`);
      }
      if (cmd === "visits_record") {
        await recording;
        return visit;
      }
      if (cmd === "visits_today") return today;
    });
    const counter = new CounterState();
    await counter.pick(301);
    const recorded = counter.record();
    await counter.pick(302);
    release();
    await recorded;
    expect(counter.checkIn?.household.id).toBe(302);
    expect(counter.recorded).toBeNull();
  });

  it("after undoing a visit from today's list, shows the household's counts again", async () => {
    let visits = 1;
    mockIPC((cmd) => {
      if (cmd === "visits_check_in") return checkIn(301, visits, `r${visits}`);
      if (cmd === "visits_void") {
        visits = 0;
        return visit;
      }
      if (cmd === "visits_today") return today;
    });
    const counter = new CounterState();
    await counter.pick(301);
    expect(counter.checkIn?.verdict.eligible).toBe(false);
    expect(await counter.undo(40, "Scanned the wrong card")).toBe(true);
    expect(counter.checkIn?.verdict.eligible).toBe(true);
  });

  it("says while typing that nobody matches, only for what is in the box now", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "visits_type_ahead") {
        const typed = (args as { typed: string }).typed;
        const households = typed.startsWith("Fat") ? [{ id: 7, leadName: "Fatima Brown" }] : [];
        return { kind: "matches", households };
      }
    });
    const counter = new CounterState();
    counter.typed = "Fatima Brwon";
    counter.typing();
    await vi.waitFor(() => expect(counter.matchesFor).toBe("Fatima Brwon"));
    expect(counter.nobodyMatches).toBeNull();
    counter.typed = "Xqzt";
    counter.typing();
    // Until the answer for "Xqzt" comes, the old matches are not taken for it.
    expect(counter.nobodyMatches).toBeNull();
    await vi.waitFor(() => expect(counter.nobodyMatches).toBe("Xqzt"));
    counter.typed = "X";
    expect(counter.nobodyMatches).toBeNull();
  });
});
