// The Backups panel: where backups go, how many are kept, backing up now, and choosing
// (or cancelling) a restore. The library checks and does all of it.
import { api } from "../api";
import type { BackupStatus } from "../bindings/BackupStatus";
import { Task } from "../shell/task.svelte";

export class BackupsState {
  status = $state<BackupStatus | null>(null);
  /** The folder and count as typed. */
  folder = $state("");
  kept = $state("");
  notice = $state<string | null>(null);
  confirmRestore = $state(false);
  readonly task = new Task();

  /** `onchanged` hears of every change made (so the audit trail shown can follow). */
  constructor(private readonly onchanged: () => void = () => {}) {}

  private show(s: BackupStatus): void {
    this.status = s;
    this.folder = s.folderSetting;
    this.kept = String(s.kept);
  }

  /** Runs one action; a message from an earlier one goes. */
  private act(work: () => Promise<void>): Promise<boolean> {
    if (this.task.busy) return Promise.resolve(false);
    this.notice = null;
    return this.task.run(work);
  }

  /** Runs one change; when it is made, says so to `onchanged`. */
  private async change(work: () => Promise<void>): Promise<boolean> {
    const ok = await this.act(work);
    if (ok) this.onchanged();
    return ok;
  }

  load(): Promise<boolean> {
    return this.act(async () => this.show(await api.backupsStatus()));
  }

  saveSettings(): Promise<boolean> {
    return this.change(async () => {
      this.show(await api.backupsSaveSettings(this.folder, this.kept));
      this.notice = "Backup settings saved.";
    });
  }

  backUpNow(): Promise<boolean> {
    return this.change(async () => {
      const b = await api.backupsNow();
      this.show(await api.backupsStatus());
      this.notice = `Backup written and checked: ${b.file}`;
    });
  }

  /** The backup picked, while it waits for its recovery key (one from another laptop). */
  picked = $state<string | null>(null);
  recoveryKey = $state("");

  /** Lets the admin pick a backup file; the library checks it and restores it at restart. */
  chooseRestore(): Promise<boolean> {
    return this.change(async () => {
      const chosen = await api.backupsPick();
      if (chosen === null) return;
      this.picked = chosen;
      this.recoveryKey = "";
      await this.stage(chosen, null);
    });
  }

  /** Tries the picked backup again with the recovery key typed. */
  restoreWithKey(): Promise<boolean> {
    const chosen = this.picked;
    if (chosen === null) return Promise.resolve(false);
    return this.change(() => this.stage(chosen, this.recoveryKey));
  }

  /** Whether the picked backup needs the recovery key (the library said so). */
  get needsRecoveryKey(): boolean {
    const kind = this.task.error?.kind;
    return this.picked !== null && (kind === "keyNeeded" || this.task.field("recoveryKey") !== undefined);
  }

  private async stage(chosen: string, recoveryKey: string | null): Promise<void> {
    await api.backupsChooseRestore(chosen, recoveryKey);
    this.picked = null;
    this.recoveryKey = "";
    this.show(await api.backupsStatus());
    this.confirmRestore = false;
  }

  cancelRestore(): Promise<boolean> {
    return this.change(async () => {
      this.show(await api.backupsCancelRestore());
      this.notice = "The restore was cancelled: nothing will be restored.";
    });
  }

  restart(): Promise<boolean> {
    return this.act(() => api.backupsRestart());
  }
}
