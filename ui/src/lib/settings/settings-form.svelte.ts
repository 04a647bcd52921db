// The state of the settings form, shared by first-run setup and the Settings screen.
import { api, ApiError } from "../api";
import type { Settings } from "../bindings/Settings";
import type { SettingsForm } from "../bindings/SettingsForm";

/** The first administrator, asked for at first-run setup only. */
export type FirstAdmin = { adminName: string; adminPin: string; adminPinAgain: string };

export type SettingsField = keyof SettingsForm | keyof FirstAdmin;

export class SettingsFormState {
  values = $state<SettingsForm>(emptyForm());
  /** Per-field messages from the last failed save. */
  errors = $state<Partial<Record<SettingsField, string>>>({});
  /** A message for the whole form (not about one field). */
  problem = $state<string | null>(null);
  saving = $state(false);
  savedAt = $state<Date | null>(null);
  loaded = $state(false);
  timeZones = $state<string[]>([]);
  /** Set for first-run setup: the pantry's first admin, created with the settings. */
  admin = $state<FirstAdmin | null>(null);

  async load(): Promise<void> {
    try {
      const [values, zones] = await Promise.all([api.settingsForm(), api.settingsTimeZones()]);
      this.values = values;
      this.timeZones = zones;
      this.loaded = true;
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  /** Saves; on failure keeps what was typed and shows each message beside its field. */
  async save(): Promise<Settings | null> {
    if (this.saving) return null;
    this.saving = true;
    this.problem = null;
    try {
      const admin = this.admin;
      if (admin && admin.adminPin !== admin.adminPinAgain) {
        this.errors = { adminPinAgain: "The two PINs are not the same." };
        this.problem = "The two PINs are not the same.";
        return null;
      }
      const saved = admin
        ? await api.sessionSetup($state.snapshot(this.values), admin.adminName, admin.adminPin)
        : await api.settingsSave($state.snapshot(this.values));
      this.errors = {};
      this.savedAt = new Date();
      return saved;
    } catch (thrown) {
      const error = ApiError.from(thrown);
      this.errors = Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
      this.problem = error.message;
      this.savedAt = null;
      return null;
    } finally {
      this.saving = false;
    }
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
