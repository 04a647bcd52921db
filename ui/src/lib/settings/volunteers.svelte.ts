// The Volunteers panel: who may sign in, with which role and PIN, and after how many idle
// minutes Pantry locks itself. The library checks every field and who may change them.
import { api } from "../api";
import type { RoleOption } from "../bindings/RoleOption";
import type { Volunteer } from "../bindings/Volunteer";
import type { VolunteerForm } from "../bindings/VolunteerForm";
import { Task } from "../shell/task.svelte";

const blank = (): VolunteerForm => ({ id: null, name: "", role: "counter", pin: "", active: true });

export class VolunteersState {
  list = $state<Volunteer[]>([]);
  roles = $state<RoleOption[]>([]);
  /** The volunteer being added or edited (the PIN empty: kept unless typed). */
  form = $state<VolunteerForm | null>(null);
  idleMinutes = $state("");
  notice = $state<string | null>(null);
  readonly task = new Task();

  /** `onchanged` hears of every change made (so the audit trail shown can follow). */
  constructor(private readonly onchanged: () => void = () => {}) {}

  load(): Promise<boolean> {
    return this.task.run(async () => {
      this.list = await api.volunteersList();
      this.roles = await api.volunteersRoles();
      this.idleMinutes = String(await api.volunteersIdleLock());
    });
  }

  roleLabel(v: Volunteer): string | undefined {
    return this.roles.find((r) => r.role === v.role)?.label;
  }

  add(): void {
    this.form = blank();
    this.notice = null;
  }

  edit(v: Volunteer): void {
    this.form = { id: v.id, name: v.name, role: v.role, pin: "", active: v.active };
  }

  cancel(): void {
    this.form = null;
  }

  async save(): Promise<boolean> {
    const form = this.form;
    if (!form) return false;
    const ok = await this.task.run(async () => {
      const saved = await api.volunteersSave($state.snapshot(form));
      this.list = await api.volunteersList();
      this.form = null;
      this.notice = `${saved.name} is saved.`;
    });
    if (ok) this.onchanged();
    return ok;
  }

  async saveIdleLock(): Promise<boolean> {
    const ok = await this.task.run(async () => {
      this.idleMinutes = String(await api.volunteersSaveIdleLock(this.idleMinutes));
      this.notice = `Pantry will lock after ${this.idleMinutes} idle minutes (from the next sign-in).`;
    });
    if (ok) this.onchanged();
    return ok;
  }
}
