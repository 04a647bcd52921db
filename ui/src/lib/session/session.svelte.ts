// Who is signed in: signing in and out, the first admin, and locking after idle time.
// The desktop shell enforces all of this; the UI follows what it says.
import { getContext, setContext } from "svelte";
import { api, ApiError, SIGNED_OUT_EVENT } from "../api";
import type { Operation } from "../bindings/Operation";
import type { SignedIn } from "../bindings/SignedIn";

/** Tell the shell the volunteer is still here at most this often. */
const TOUCH_EVERY_MS = 30_000;
/** Check whether the shell has locked the app this often. */
const CHECK_EVERY_MS = 15_000;

export class SessionState {
  actor = $state<SignedIn | null>(null);
  names = $state<string[]>([]);
  /** Why the sign-in screen is showing (locked when idle, signed out, …). */
  reason = $state<string | null>(null);
  errors = $state<Record<string, string>>({});
  problem = $state<string | null>(null);
  busy = $state(false);
  #lastTouch = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  async start(): Promise<void> {
    this.actor = await api.sessionCurrent();
    if (!this.actor) await this.loadNames();
    globalThis.addEventListener?.(SIGNED_OUT_EVENT, (event) => this.locked((event as CustomEvent<string>).detail));
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
  }

  async loadNames(): Promise<void> {
    try {
      this.names = await api.sessionVolunteers();
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  /** Keys and clicks: keep the session alive (throttled). */
  activity(): void {
    if (!this.actor || Date.now() - this.#lastTouch < TOUCH_EVERY_MS) return;
    this.#lastTouch = Date.now();
    void api.sessionTouch().catch(() => undefined);
  }

  private async check(): Promise<void> {
    if (this.actor && !(await api.sessionCurrent().catch(() => null))) {
      this.locked("Pantry locked itself after being left idle: sign in again.");
    }
  }

  private locked(why: string): void {
    if (!this.actor && this.reason) return;
    this.actor = null;
    this.reason = why;
    void this.loadNames();
  }

  private signedIn(actor: SignedIn): void {
    this.actor = actor;
    this.reason = null;
    this.errors = {};
    this.problem = null;
    this.#lastTouch = Date.now();
  }

  /** Whether the signed-in volunteer may do `op` (the library's role table decides). */
  may(op: Operation): boolean {
    return this.actor?.may.includes(op) ?? false;
  }

  /** Why the signed-in volunteer may not do `op` ("Recording waste needs a manager."), from the
   *  library's role table; empty when they may. */
  why(op: Operation): string {
    return this.actor?.withheld.find((w) => w.operation === op)?.why ?? "";
  }

  async signIn(name: string, pin: string): Promise<boolean> {
    return this.run(async () => this.signedIn(await api.sessionSignIn(name, pin)));
  }

  /** An admin locked out signs in with the pantry's recovery key instead of a PIN. */
  async signInWithRecoveryKey(name: string, recoveryKey: string): Promise<boolean> {
    return this.run(async () => this.signedIn(await api.sessionSignInWithRecoveryKey(name, recoveryKey)));
  }

  /** The library checks the name, the PIN and that it was typed twice alike, all at once. */
  async firstAdmin(name: string, pin: string, again: string): Promise<boolean> {
    return this.run(async () =>
      this.signedIn(await api.sessionFirstAdmin({ adminName: name, adminPin: pin, adminPinAgain: again })),
    );
  }

  /** "Switch volunteer" or "Lock": back to the sign-in screen. */
  async signOut(why: "switch" | "lock"): Promise<void> {
    await api.sessionSignOut(why).catch(() => undefined);
    this.locked(why === "lock" ? "Pantry is locked." : "Sign in to carry on.");
  }

  /** After first-run setup, the new admin is already signed in. */
  async refresh(): Promise<void> {
    const actor = await api.sessionCurrent();
    if (actor) this.signedIn(actor);
  }

  private async run(work: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.problem = null;
    try {
      await work();
      return true;
    } catch (thrown) {
      const error = ApiError.from(thrown);
      const fields = Object.fromEntries(error.fields.map((f) => [f.field.replace(/^admin(.)/, (_, c: string) => c.toLowerCase()), f.message]));
      this.errors = fields;
      this.problem = error.message;
      return false;
    } finally {
      this.busy = false;
    }
  }
}

const SESSION = Symbol("session");

/** Makes the session available to every screen below (called once, by the app). */
export function provideSession(session: SessionState): void {
  setContext(SESSION, session);
}

/** The session, for a screen that shows or hides what the volunteer may do. */
export function useSession(): SessionState {
  return getContext<SessionState>(SESSION);
}
