// A print job or an export: make the file (in the library), then open it in the system's
// viewer (a PDF to print; a spreadsheet or other file in whatever opens it).
import { api, ApiError } from "../api";
import type { PrintedFile } from "../bindings/PrintedFile";

export type Printed = { path: string; summary: string; replaced: string };

/** Whether the file made is a PDF (the notice then speaks of the PDF, else of the file). */
export function isPdf(path: string): boolean {
  return /\.pdf$/i.test(path);
}

/** A card PDF as the print notice describes it. */
export function cardsPrinted(file: PrintedFile): Printed {
  return {
    path: file.path,
    summary: `${file.cards} card${file.cards === 1 ? "" : "s"} ready to print`,
    replaced: file.replaced,
  };
}

export class PrintJob {
  file = $state<Printed | null>(null);
  /** Where the user last saved a copy. */
  savedCopy = $state<string | null>(null);
  problem = $state<string | null>(null);
  busy = $state(false);

  async run(make: () => Promise<Printed>): Promise<boolean> {
    this.busy = true;
    this.problem = null;
    try {
      this.file = await make();
      this.savedCopy = null;
      await this.open();
      return true;
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** "Save as…": a copy wherever the user chooses. */
  async saveCopy(): Promise<void> {
    if (!this.file) return;
    try {
      this.savedCopy = (await api.printSaveCopy(this.file.path)) ?? this.savedCopy;
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  /** Opens the file again; if nothing opens it, says where the file is. */
  async open(): Promise<void> {
    if (!this.file) return;
    try {
      await api.printOpen(this.file.path);
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }
}
