/** Redraws a Lit host whenever an EventTarget (a store, a session) fires `change`. */
import type { ReactiveController, ReactiveControllerHost } from "lit";

export class Watch implements ReactiveController {
  private target: EventTarget | null = null;
  private readonly onChange = () => this.host.requestUpdate();

  constructor(
    private readonly host: ReactiveControllerHost,
    target?: EventTarget | null,
  ) {
    host.addController(this);
    this.set(target ?? null);
  }

  /** Watches another target (e.g. when the shown conversation changes). */
  set(target: EventTarget | null): void {
    if (target === this.target) return;
    this.target?.removeEventListener("change", this.onChange);
    this.target = target;
    if (target && this.connected) target.addEventListener("change", this.onChange);
  }

  private connected = false;
  hostConnected(): void {
    this.connected = true;
    this.target?.addEventListener("change", this.onChange);
  }
  hostDisconnected(): void {
    this.connected = false;
    this.target?.removeEventListener("change", this.onChange);
  }
}
