// Importing members from a spreadsheet: choose a file, map columns, check, import.
import { api, readImportFile } from "../api";
import type { ImportField } from "../bindings/ImportField";
import type { ImportFile } from "../bindings/ImportFile";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { ImportReport } from "../bindings/ImportReport";
import { Task } from "../shell/task.svelte";

export class ImportState {
  file = $state<ImportFile | null>(null);
  preview = $state<ImportPreview | null>(null);
  mapping = $state<(ImportField | null)[]>([]);
  report = $state<ImportReport | null>(null);
  progress = $state<ImportProgress | null>(null);
  readonly task = new Task();

  async choose(chosen: File | undefined): Promise<void> {
    if (this.task.busy) return;
    this.reset();
    if (!chosen) return;
    await this.run(async () => {
      this.file = await readImportFile(chosen);
      this.preview = await api.importPreview(this.file);
      this.mapping = [...this.preview.suggested];
    });
  }

  /** A changed mapping needs a new check before importing. */
  mappingChanged(): void {
    this.report = null;
  }

  check(): Promise<void> {
    return this.run(async () => {
      if (!this.file) return;
      this.report = await api.importCheck(this.file, $state.snapshot(this.mapping));
    });
  }

  import(): Promise<void> {
    return this.run(async () => {
      if (!this.file) return;
      this.progress = { done: 0, total: this.preview?.rowCount ?? 0 };
      this.report = await api.importMembers(this.file, $state.snapshot(this.mapping), (p) => (this.progress = p));
    });
  }

  private reset(): void {
    this.file = null;
    this.preview = null;
    this.mapping = [];
    this.report = null;
    this.progress = null;
    this.task.clear();
  }

  /** Runs one step (never two at once); the progress bar goes when it ends. */
  private async run(work: () => Promise<void>): Promise<void> {
    if (this.task.busy) return;
    try {
      await this.task.run(work);
    } finally {
      this.progress = null;
    }
  }
}
