// The audit trail panel: the filter as typed and the page of entries the library found.
import { api } from "../api";
import type { AuditFilter } from "../bindings/AuditFilter";
import type { AuditPage } from "../bindings/AuditPage";
import { Task } from "../shell/task.svelte";

export class AuditState {
  filter = $state<AuditFilter>({ text: "", action: "", from: "", to: "" });
  page = $state<AuditPage | null>(null);
  readonly task = new Task();

  /** A problem for the whole panel; a wrong date shows beside its field instead. */
  get problem(): string | null {
    return Object.keys(this.task.fields).length === 0 ? this.task.problem : null;
  }

  load(): Promise<boolean> {
    return this.task.run(async () => {
      this.page = await api.auditList($state.snapshot(this.filter));
    });
  }
}
