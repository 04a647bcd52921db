// Data retention: which long-absent households the library would anonymise, and doing it.
import { api } from "../api";
import type { RetentionPreview } from "../bindings/RetentionPreview";
import { Task } from "../shell/task.svelte";

export class RetentionState {
  preview = $state<RetentionPreview | null>(null);
  done = $state<string | null>(null);
  confirming = $state(false);
  readonly task = new Task();

  load(): Promise<boolean> {
    return this.task.run(async () => {
      this.preview = await api.householdsRetentionPreview();
    });
  }

  apply(): Promise<boolean> {
    return this.task.run(async () => {
      const n = await api.householdsRetentionApply();
      this.done = `${n} households were anonymised.`;
      this.confirming = false;
      this.preview = await api.householdsRetentionPreview();
    });
  }
}
