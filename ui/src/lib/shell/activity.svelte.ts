// What other desks change, seen here within two seconds: while a volunteer is using this
// desk, the pantry's activity stamp is asked for every 1.5 s, and the screens that show what
// others change (the Today panel, an open household, stock levels, the welfare calls) reload
// when it moves (and once at the first look, for anything written while they loaded). A desk nobody has touched for a minute stops asking (so it still locks
// itself when left idle) and catches up at the next key or click.
import { untrack } from "svelte";
import { api } from "../api";

export const POLL_MS = 1500;
export const ATTENTIVE_MS = 60_000;

export class Activity {
  /**
   * Grows each time the pantry's data changed (at any desk) since the last look; the first
   * look counts as one too, so what a screen loaded before it is never left stale.
   */
  changes = $state(0);
  private stamp: string | null = null;
  private lastInput = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;
  private asking = false;
  private readonly noticeInput = () => {
    const idle = Date.now() - this.lastInput > ATTENTIVE_MS;
    this.lastInput = Date.now();
    if (idle) void this.look();
  };

  start(): void {
    if (this.timer) return;
    this.stamp = null;
    this.lastInput = Date.now();
    window.addEventListener("keydown", this.noticeInput, true);
    window.addEventListener("pointerdown", this.noticeInput, true);
    this.timer = setInterval(() => void this.look(), POLL_MS);
    void this.look();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    window.removeEventListener("keydown", this.noticeInput, true);
    window.removeEventListener("pointerdown", this.noticeInput, true);
  }

  /** Asks for the stamp (unless this desk is left alone) and counts a change when it moved. */
  async look(): Promise<void> {
    if (this.asking || Date.now() - this.lastInput > ATTENTIVE_MS) return;
    this.asking = true;
    try {
      const stamp = await api.desksActivity();
      if (stamp !== this.stamp) this.changes++;
      this.stamp = stamp;
    } catch {
      // Signed out or locked meanwhile: the screens say so on their own next action.
    } finally {
      this.asking = false;
    }
  }
}

export const activity = new Activity();

/**
 * Runs `refresh` (in a component) each time the pantry's data changed, not when mounted. A
 * refresh that fails changes nothing shown: the screen's own next action says why.
 */
export function onChanges(refresh: () => unknown, from: Activity = activity): void {
  let seen = from.changes;
  $effect(() => {
    const now = from.changes;
    if (now !== seen) {
      seen = now;
      untrack(() => void Promise.resolve(refresh()).catch(() => {}));
    }
  });
}
