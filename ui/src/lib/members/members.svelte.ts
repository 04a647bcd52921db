// The Members screen: which view is open, and the list's query and results.
import { api, ApiError } from "../api";
import type { ListPage } from "../bindings/ListPage";
import type { ListQuery } from "../bindings/ListQuery";
import type { RegistrationOptions } from "../bindings/RegistrationOptions";

export type MembersView =
  | { kind: "list" }
  | { kind: "household"; id: number }
  | { kind: "register" }
  | { kind: "import" }
  | { kind: "retention" };

export const PAGE_SIZE = 50;

export class MembersState {
  view = $state<MembersView>({ kind: "list" });
  query = $state<ListQuery>({
    text: "",
    status: null,
    neighbourhoodId: null,
    expiringSoon: false,
    page: 0,
    pageSize: PAGE_SIZE,
  });
  results = $state<ListPage | null>(null);
  options = $state<RegistrationOptions | null>(null);
  problem = $state<string | null>(null);
  /** Answers to older queries arriving late are ignored. */
  #latest = 0;

  lastPage = $derived(this.results ? Math.max(0, Math.ceil(this.results.total / PAGE_SIZE) - 1) : 0);

  async start(): Promise<void> {
    try {
      this.options = await api.householdsOptions();
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const mine = ++this.#latest;
    try {
      const page = await api.householdsList($state.snapshot(this.query));
      if (mine === this.#latest) {
        this.results = page;
        this.problem = null;
      }
    } catch (thrown) {
      if (mine === this.#latest) this.problem = ApiError.from(thrown).message;
    }
  }

  /** Any change of filter starts again at the first page. */
  filtersChanged(): Promise<void> {
    this.query.page = 0;
    return this.refresh();
  }

  goToPage(page: number): Promise<void> {
    this.query.page = Math.min(Math.max(0, page), this.lastPage);
    return this.refresh();
  }

  open(view: MembersView): void {
    this.view = view;
    if (view.kind === "list") void this.refresh();
  }
}
