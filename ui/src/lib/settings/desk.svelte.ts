// This computer's desk name ("Desk 2", "Front door"): set once per laptop by an admin, and
// recorded by the library with every visit and audit entry written here.
import { api } from "../api";
import { Task } from "../shell/task.svelte";

export class DeskState {
  /** The name kept (null: this computer has none). */
  saved = $state<string | null>(null);
  typed = $state("");
  notice = $state<string | null>(null);
  readonly task = new Task();

  constructor(
    desk: string | null,
    private readonly onchanged: (desk: string | null) => void = () => {},
  ) {
    this.saved = desk;
    this.typed = desk ?? "";
  }

  async save(): Promise<boolean> {
    this.notice = null;
    const ok = await this.task.run(async () => {
      this.saved = await api.settingsNameDesk(this.typed);
      this.typed = this.saved ?? "";
      this.notice = this.saved ? `This computer is ${this.saved} now.` : "This computer has no desk name now.";
    });
    if (ok) this.onchanged(this.saved);
    return ok;
  }
}
