// Which screen is showing, and what the app knows about itself at start-up.
import { api, ApiError } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { Settings } from "../bindings/Settings";

export type ScreenId = "counter" | "members" | "stock" | "referrals" | "reports" | "settings";

export type Screen = {
  id: ScreenId;
  label: string;
  /** What the screen is for, said plainly while it is not built. */
  purpose: string;
};

export const SCREENS: Screen[] = [
  {
    id: "counter",
    label: "Counter",
    purpose: "Scan a membership card or type a name to see at once whether a household can shop today, then record the visit.",
  },
  {
    id: "members",
    label: "Members",
    purpose: "Register households, find them quickly, keep their details and consent up to date, and import a spreadsheet.",
  },
  {
    id: "stock",
    label: "Stock",
    purpose: "Receive deliveries with their dates, see what is running low or near its use-by date, and run stock counts.",
  },
  {
    id: "referrals",
    label: "Referrals",
    purpose: "Refer members to money, energy, employment and well-being advice, print referral slips and follow them up.",
  },
  {
    id: "reports",
    label: "Reports",
    purpose: "Send anonymised visit summaries to the landlord as spreadsheets and PDF reports.",
  },
  { id: "settings", label: "Settings", purpose: "" },
];

export class AppShell {
  status = $state<AppStatus | null>(null);
  settings = $state<Settings | null>(null);
  problem = $state<string | null>(null);
  screen = $state<ScreenId>("counter");

  current = $derived(SCREENS.find((s) => s.id === this.screen) ?? SCREENS[0]);

  async start(): Promise<void> {
    try {
      this.status = await api.appStatus();
      if (this.status.configured) this.settings = await api.settingsGet();
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

  /** Alt+1 … Alt+6 open the screens in menu order. */
  shortcut(event: KeyboardEvent): boolean {
    if (!event.altKey || event.ctrlKey || event.metaKey) return false;
    const index = Number.parseInt(event.key, 10) - 1;
    const screen = SCREENS[index];
    if (!screen) return false;
    this.go(screen.id);
    return true;
  }
}
