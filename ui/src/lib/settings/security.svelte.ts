// The pantry's safeguards as admins see them: the key's fingerprint, whether its recovery
// sheet has been printed (and printing it), and the audit trail's check. The library
// decides all of it; this only loads and shows.
import { api } from "../api";
import type { SecurityStatus } from "../bindings/SecurityStatus";
import { Task } from "../shell/task.svelte";

export class SecurityState {
  status = $state<SecurityStatus | null>(null);
  /** Where the last recovery sheet was written. */
  printed = $state<string | null>(null);
  readonly task = new Task();

  load(): Promise<boolean> {
    return this.task.run(async () => {
      this.status = await api.securityStatus();
    });
  }

  /** Writes the recovery sheet and opens it to print. */
  printSheet(): Promise<boolean> {
    return this.task.run(async () => {
      const path = await api.securityPrintRecoverySheet();
      this.printed = path;
      this.status = await api.securityStatus();
      await api.printOpen(path);
    });
  }

  /** Something an admin must act on: no sheet for the key in use, or a broken trail. */
  get needsAttention(): boolean {
    return this.status !== null && (this.status.sheetPrintedAt === null || this.status.audit.broken !== null);
  }
}
