// The pantry's safeguards as admins see them: the key's fingerprint, whether its recovery
// sheet has been printed and put away (and writing it to a folder the admin chooses, never
// the data folder), and the audit trail's check. The library decides all of it; this only
// loads and shows.
import { api } from "../api";
import type { BackupFailure } from "../bindings/BackupFailure";
import type { SecurityStatus } from "../bindings/SecurityStatus";
import { Task } from "../shell/task.svelte";

export class SecurityState {
  status = $state<SecurityStatus | null>(null);
  /** The last scheduled backup that could not be taken, until one is taken. */
  backupFailed = $state<BackupFailure | null>(null);
  /** The folder the recovery sheet is written to (the user's Documents folder at first). */
  folder = $state("");
  /** Where the last recovery sheet was written, until the admin says it is put away. */
  written = $state<string | null>(null);
  /** Why the written sheet did not open to print, if it did not. */
  notOpened = $state<string | null>(null);
  readonly task = new Task();

  load(): Promise<boolean> {
    return this.task.run(async () => {
      this.status = await api.securityStatus();
      this.backupFailed = (await api.backupsStatus()).failed;
      if (!this.folder) this.folder = (await api.securitySheetFolder()) ?? "";
    });
  }

  /** Writes the recovery sheet into the chosen folder and opens it to print. */
  writeSheet(): Promise<boolean> {
    return this.task.run(async () => {
      this.notOpened = null;
      const path = await api.securityPrintRecoverySheet(this.folder);
      this.written = path;
      try {
        await api.printOpen(path);
      } catch (e) {
        this.notOpened = e instanceof Error ? e.message : String(e);
      }
    });
  }

  /** The admin printed the sheet, locked it away and deleted the file. */
  putAway(): Promise<boolean> {
    return this.task.run(async () => {
      await api.securitySheetPutAway();
      this.written = null;
      this.notOpened = null;
      this.status = await api.securityStatus();
    });
  }

  /** Something an admin must act on: no sheet for the key in use, a broken trail, or a
   *  scheduled backup that could not be taken. */
  get needsAttention(): boolean {
    return (
      this.status !== null &&
      (this.status.sheetPrintedAt === null || this.status.audit.broken !== null || this.backupFailed !== null)
    );
  }
}
