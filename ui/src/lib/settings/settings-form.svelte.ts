// The state of the settings form, shared by first-run setup and the Settings screen.
import { api, ApiError } from "../api";
import { Task } from "../shell/task.svelte";
import type { Settings } from "../bindings/Settings";
import type { SettingsForm } from "../bindings/SettingsForm";
/** The first administrator, asked for at first-run setup only. */
import type { FirstAdmin } from "../bindings/FirstAdmin";

export type { FirstAdmin };

export type SettingsField = keyof SettingsForm | keyof FirstAdmin;


export class SettingsFormState {
  values = $state<SettingsForm>(emptyForm());
  /** Saving: busy, and the last failure with each field's message. */
  readonly task = new Task();
  /** Why the form could not be loaded. */
  loadProblem = $state<string | null>(null);
  savedAt = $state<Date | null>(null);
  loaded = $state(false);
  timeZones = $state<string[]>([]);
  /** Set for first-run setup: the pantry's first admin, created with the settings. */
  admin = $state<FirstAdmin | null>(null);

  /** Per-field messages from the last failed save. */
  get errors(): Partial<Record<SettingsField, string>> {
    return this.task.fields;
  }

  /** A message for the whole form (not about one field). */
  get problem(): string | null {
    return this.task.problem ?? this.loadProblem;
  }

  get saving(): boolean {
    return this.task.busy;
  }

  async load(): Promise<void> {
    try {
      const [values, zones] = await Promise.all([api.settingsForm(), api.settingsTimeZones()]);
      this.values = values;
      this.timeZones = zones;
      this.loaded = true;
    } catch (thrown) {
      this.loadProblem = ApiError.from(thrown).message;
    }
  }

  /** Saves; on failure keeps what was typed and shows each message beside its field. */
  async save(): Promise<Settings | null> {
    const admin = this.admin === null ? null : $state.snapshot(this.admin);
    let saved: Settings | null = null;
    const ok = await this.task.run(async () => {
      const values = $state.snapshot(this.values);
      // The library checks the settings and the first admin (the PIN typed twice alike) and
      // names every mistake at once.
      saved = admin ? await api.sessionSetup(values, admin) : await api.settingsSave(values);
    });
    if (ok) this.savedAt = new Date();
    else if (this.task.error) this.savedAt = null;
    return saved;
  }

  /** The first field with a problem, in form order (to move focus there). */
  get firstInvalid(): SettingsField | undefined {
    return FIELD_ORDER.find((f) => this.errors[f]);
  }
}

export const FIELD_ORDER: SettingsField[] = [
  "name",
  "shortCode",
  "address",
  "landlordName",
  "timeZone",
  "weeklyFee",
  "itemsPerVisit",
  "visitsPerWeek",
  "membershipWeeks",
  "neighbourhoods",
  "districts",
  "retentionMonths",
  "visitRule",
  "weekStart",
  "daysBetweenVisits",
  "referralFollowUpDays",
  "adminName",
  "adminPin",
  "adminPinAgain",
];

function emptyForm(): SettingsForm {
  return {
    name: "",
    shortCode: "",
    address: "",
    landlordName: "",
    timeZone: "",
    weeklyFee: "",
    itemsPerVisit: "",
    visitsPerWeek: "",
    membershipWeeks: "",
    neighbourhoods: "",
    districts: "",
    retentionMonths: "",
    visitRule: "week",
    weekStart: "0",
    daysBetweenVisits: "7",
    referralFollowUpDays: "14",
  };
}
