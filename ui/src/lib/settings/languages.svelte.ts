// The Member languages panel: which languages the pantry offers its members (and whether a
// native speaker has checked each translation), and the opening times printed on the
// welcome sheet. The library checks and saves them.
import { api } from "../api";
import type { MemberTextSettings } from "../bindings/MemberTextSettings";
import { Task } from "../shell/task.svelte";

export class LanguagesState {
  settings = $state<MemberTextSettings | null>(null);
  /** Codes ticked on screen. */
  chosen = $state<string[]>([]);
  openingTimes = $state("");
  notice = $state<string | null>(null);
  readonly task = new Task();

  /** `onchanged` hears of every change made (so the audit trail shown can follow). */
  constructor(private readonly onchanged: () => void = () => {}) {}

  private show(s: MemberTextSettings): void {
    this.settings = s;
    this.chosen = s.languages.filter((l) => l.switchedOn).map((l) => l.code);
    this.openingTimes = s.openingTimes;
  }

  load(): Promise<boolean> {
    return this.task.run(async () => this.show(await api.languagesSettings()));
  }

  toggle(code: string, on: boolean): void {
    this.chosen = on ? [...this.chosen.filter((c) => c !== code), code] : this.chosen.filter((c) => c !== code);
  }

  async save(): Promise<boolean> {
    this.notice = null;
    const ok = await this.task.run(async () => {
      this.show(await api.languagesSaveSettings({ languages: this.chosen, openingTimes: this.openingTimes }));
      this.notice = "Member languages saved.";
    });
    if (ok) this.onchanged();
    return ok;
  }
}
