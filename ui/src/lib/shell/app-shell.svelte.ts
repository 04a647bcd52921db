// Which screen is showing, and what the app knows about itself at start-up.
import { api, ApiError } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { Settings } from "../bindings/Settings";
import { labels } from "../labels.svelte";

export type ScreenId = "counter" | "members" | "stock" | "referrals" | "outreach" | "reports" | "settings";

export type Screen = { id: ScreenId; label: string };

export const SCREENS: Screen[] = [
  { id: "counter", label: "Counter" },
  { id: "members", label: "Members" },
  { id: "stock", label: "Stock" },
  { id: "referrals", label: "Referrals" },
  { id: "outreach", label: "Deliveries & calls" },
  { id: "reports", label: "Reports" },
  { id: "settings", label: "Settings" },
];

export class AppShell {
  status = $state<AppStatus | null>(null);
  settings = $state<Settings | null>(null);
  problem = $state<string | null>(null);
  screen = $state<ScreenId>("counter");


  async start(): Promise<void> {
    try {
      this.status = await api.appStatus();
      labels.set(this.status.labels);
      if (this.status.configured) this.settings = await api.settingsGet();
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  /** The volunteer has read the notice of a restore: it is not shown again. */
  async restoreSeen(): Promise<void> {
    const restored = this.status?.restored;
    if (!restored) return;
    try {
      await api.backupsRestoreSeen(restored.id);
      this.status!.restored = null;
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  /** Called when setup or Settings saved. */
  saved(settings: Settings): void {
    this.settings = settings;
    if (this.status) this.status.configured = true;
  }

  go(id: ScreenId): void {
    this.screen = id;
  }

  /** Alt+1 … Alt+7 open the screens in menu order. */
  shortcut(event: KeyboardEvent): boolean {
    if (!event.altKey || event.ctrlKey || event.metaKey) return false;
    const index = Number.parseInt(event.key, 10) - 1;
    const screen = SCREENS[index];
    if (!screen) return false;
    this.go(screen.id);
    return true;
  }
}
