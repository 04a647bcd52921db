// A print job: make the PDF (in the library), then open it in the system viewer to print.
import { api, ApiError } from "../api";
import type { PrintedFile } from "../bindings/PrintedFile";

export class PrintJob {
  file = $state<PrintedFile | null>(null);
  problem = $state<string | null>(null);
  busy = $state(false);

  async run(make: () => Promise<PrintedFile>): Promise<boolean> {
    this.busy = true;
    this.problem = null;
    try {
      this.file = await make();
      await this.open();
      return true;
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Opens the saved PDF again; if no viewer opens, says where the file is. */
  async open(): Promise<void> {
    if (!this.file) return;
    try {
      await api.printOpen(this.file.path);
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }
}
