// What other desks change reaches this one: a change counted when the pantry's activity
// stamp moves (and at the first look, which start makes at once), and no asking at all once this desk has been left
// alone for a minute (so it still locks itself), until the next key.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Activity, ATTENTIVE_MS } from "./activity.svelte";

afterEach(() => {
  clearMocks();
  vi.useRealTimers();
});

describe("Activity", () => {
  it("counts a change when the stamp moves and stops asking on a desk left alone", async () => {
    vi.useFakeTimers();
    let stamp = "5.2.9";
    let asked = 0;
    mockIPC((cmd) => {
      if (cmd === "desks_activity") {
        asked++;
        return stamp;
      }
    });
    const activity = new Activity();
    activity.start();
    await vi.waitFor(() => expect(activity.changes).toBe(1));
    await activity.look();
    expect(activity.changes).toBe(1);
    stamp = "6.3.9"; // another desk recorded a visit
    await activity.look();
    expect(activity.changes).toBe(2);

    vi.setSystemTime(Date.now() + ATTENTIVE_MS + 1);
    const before = asked;
    stamp = "7.4.9";
    await activity.look();
    expect(asked).toBe(before);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    await vi.waitFor(() => expect(activity.changes).toBe(3));
    activity.stop();
  });
});
