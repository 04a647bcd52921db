// The Reports screen: the dashboard, the landlord summary of a chosen period (preview and
// exports), the export history, the multi-pantry roll-up and the report settings.
import { api, ApiError, readImportFile } from "../api";
import { Task } from "../shell/task.svelte";
import type { Dashboard } from "../bindings/Dashboard";
import type { ExportRecord } from "../bindings/ExportRecord";
import type { ReportFormat } from "../bindings/ReportFormat";
import type { ReportSettingsForm } from "../bindings/ReportSettingsForm";
import type { SummaryPreview } from "../bindings/SummaryPreview";
import type { PeriodOption } from "../bindings/PeriodOption";

/** The choice of custom dates, beside the library's usual periods. */
export const CUSTOM = "custom";

/** Measures shown side by side in the summary table; more wrap into another block below. */
export const MEASURES_PER_BLOCK = 6;

/** `[start, end)` of each block of at most `size` of `count` columns, shared out evenly
 *  (13 columns in blocks of at most 6 make 5, 5 and 3, not 6, 6 and 1). */
export function columnBlocks(count: number, size: number): [number, number][] {
  const blocks = Math.max(1, Math.ceil(count / Math.max(1, size)));
  const each = Math.ceil(count / blocks);
  const out: [number, number][] = [];
  for (let start = 0; start < count; start += each) out.push([start, Math.min(count, start + each)]);
  return out.length ? out : [[0, 0]];
}

export class ReportsState {
  dashboard = $state<Dashboard | null>(null);
  history = $state<ExportRecord[]>([]);
  /** The usual periods, worked out by the library in the pantry's time zone and week. */
  choices = $state<PeriodOption[]>([]);
  /** The chosen period's text (`2026-10`, `week:2026-11-16`), or `CUSTOM`. */
  choice = $state("");
  from = $state("");
  to = $state("");
  periodLabel = $state("");
  /** The landlord summary of the period, ready to show (the export's figures and labels). */
  summary = $state<SummaryPreview | null>(null);
  settings = $state<ReportSettingsForm | null>(null);
  showSettings = $state(false);
  notice = $state<string | null>(null);
  /** Why the period typed is not a period (shown beside the period). */
  periodError = $state<string | null>(null);
  readonly task = new Task();

  get period(): string {
    return this.choice === CUSTOM ? `${this.from.trim()}..${this.to.trim()}` : this.choice;
  }

  /** The dashboard and the periods; the export history only for those who may export
   *  (the library refuses it to others). */
  async load(withHistory: boolean): Promise<void> {
    await this.run(async () => {
      [this.dashboard, this.history, this.choices] = await Promise.all([
        api.reportsDashboard(),
        withHistory ? api.reportsHistory() : Promise.resolve([]),
        api.reportsPeriodChoices(),
      ]);
      if (!this.choice) this.choice = this.choices[0]?.period ?? CUSTOM;
      await this.describePeriod();
    });
  }

  /** Shows which dates the chosen period covers (or why it is not a period). */
  async describePeriod(): Promise<void> {
    this.summary = null;
    if (this.choice === CUSTOM && (!this.from.trim() || !this.to.trim())) {
      this.periodLabel = "";
      return;
    }
    try {
      const p = await api.reportsPeriod(this.period);
      this.periodLabel = p.label;
      this.periodError = null;
    } catch (thrown) {
      this.periodLabel = "";
      this.periodError = ApiError.from(thrown).message;
    }
  }

  async preview(): Promise<void> {
    await this.run(async () => {
      this.summary = await api.reportsSummary(this.period);
    });
  }

  async export(format: ReportFormat): Promise<ExportRecord | null> {
    let done: ExportRecord | null = null;
    await this.run(async () => {
      done = await api.reportsExport(this.period, format);
      this.history = await api.reportsHistory();
    });
    return done;
  }

  async rollup(files: File[], format: ReportFormat): Promise<ExportRecord | null> {
    let done: ExportRecord | null = null;
    await this.run(async () => {
      const read = await Promise.all(files.map((f) => readImportFile(f)));
      done = await api.reportsRollup(read, format);
      this.history = await api.reportsHistory();
    });
    return done;
  }

  async openSettings(): Promise<void> {
    await this.run(async () => {
      this.settings = await api.reportsSettings();
      this.showSettings = true;
    });
  }

  async saveSettings(): Promise<void> {
    const form = this.settings;
    if (!form) return;
    const ok = await this.run(async () => {
      this.settings = await api.reportsSaveSettings($state.snapshot(form));
    });
    if (ok) {
      this.showSettings = false;
      this.notice = "Report settings saved.";
    }
  }

  /** Runs one action; a failure takes away the last message of success. */
  private async run(work: () => Promise<void>): Promise<boolean> {
    const ok = await this.task.run(work);
    if (!ok && this.task.error) this.notice = null;
    return ok;
  }
}
