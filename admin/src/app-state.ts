/**
 * The admin app's shared state: who is logged in, the site's settings, team, departments
 * and canned responses, the live inbox, and the conversations open as tabs (each with its
 * socket and draft). Components watch it (`new Watch(this, state)`) and call its methods.
 */
import type {
  AlertEvent,
  AlertPrefs,
  CannedResponse,
  Department,
  InboxEntry,
  NotificationSettings,
  TeamMember,
} from "../../worker/protocol";
import { alertEventsOf, concernsMe, DEFAULT_ALERTS } from "./alerts";
import type { SiteSettings } from "../../worker/protocol";
import { api } from "./api";
import { ConversationSession } from "./conversation-session";
import { localeChosen, setLocale, t } from "./i18n";
import { InboxStore, matches, type InboxSort, type View } from "./inbox-store";
import { askPermissionOnce, chime, desktopNotify, setTitle } from "./notify";
import { current, go } from "./router";

export interface Operator {
  id: string;
  email: string;
  name: string;
  role: "owner" | "admin" | "operator";
}

const OPEN_KEY = "edgechat.open";

export class AppState extends EventTarget {
  operator: Operator | null = null;
  siteKey = "";
  settings: SiteSettings | null = null;
  team: TeamMember[] = [];
  departments: Department[] = [];
  canned: CannedResponse[] = [];
  view: View = (localStorage.getItem("edgechat.view") as View | null) ?? "open";
  query = "";
  /** How the inbox is ordered; remembered per browser. */
  sort: InboxSort = localStorage.getItem("edgechat.sort") === "activity" ? "activity" : "waiting";
  /** Server search results for `query` (text beyond the last message), or null. */
  found: InboxEntry[] | null = null;
  /** What this operator hears of in the tab (and away from it); stored on the server. */
  alerts: AlertPrefs = DEFAULT_ALERTS;
  readonly inbox = new InboxStore(
    (prev, next) => this.onInboxChange(prev, next),
    (id) => this.open.has(id) || !!this.found?.some((e) => e.id === id),
  );
  readonly open = new Map<string, ConversationSession>();
  activeId: string | null = null;
  private teamTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    // Someone came or went: the team's online marks (and maybe a new member) changed.
    this.inbox.addEventListener("presence", () => {
      clearTimeout(this.teamTimer);
      this.teamTimer = setTimeout(() => void this.refreshTeam().catch(() => {}), 300);
    });
    // Erased conversations leave the search's results too (open tabs hear it on their own socket).
    this.inbox.addEventListener("erased", (e) => {
      const gone = new Set((e as CustomEvent<string[]>).detail);
      this.found = this.found?.filter((f) => !gone.has(f.id)) ?? null;
    });
    this.inbox.addEventListener("ringing", (e) =>
      this.onRinging((e as CustomEvent<{ conversationId: string; audioOnly: boolean }>).detail),
    );
    this.inbox.addEventListener("change", () => {
      setTitle(this.inbox.unreadTotal(), `${t("app.title")} — ${this.settings?.name ?? "Edgechat"}`);
      this.changed();
    });
  }

  /** True for owner and admin: they change settings and the team. */
  get canManage(): boolean {
    return this.operator?.role === "owner" || this.operator?.role === "admin";
  }

  /** Starts a logged-in session: who am I, the site's data, the live inbox, the tabs left open. */
  async start(me: { operator: Operator; siteKey: string }): Promise<void> {
    this.operator = me.operator;
    this.siteKey = me.siteKey;
    const [settings] = await Promise.all([api("GET", "/settings"), this.refreshTeam(), this.refreshCanned()]);
    this.settings = settings.settings;
    if (!localeChosen() && this.settings) setLocale(this.settings.locale, false);
    this.inbox.connect();
    void this.loadAlerts();
    askPermissionOnce();
    const saved = JSON.parse(sessionStorage.getItem(OPEN_KEY) ?? "[]") as string[];
    for (const id of saved) this.openConversation(id, false);
    this.changed();
  }

  /** Forgets everything of the session (after logout or when it expired). */
  stop(): void {
    this.inbox.close();
    for (const s of this.open.values()) s.close();
    this.open.clear();
    this.activeId = null;
    this.operator = null;
    this.changed();
  }

  async loadAlerts(): Promise<void> {
    this.alerts = (await api<NotificationSettings>("GET", "/notifications").catch(() => null))?.alerts ?? this.alerts;
    this.changed();
  }

  /** Changes what this operator hears of; the server keeps it for every device. */
  async saveAlerts(patch: Partial<Omit<AlertPrefs, "events">> & { events?: Partial<AlertPrefs["events"]> }) {
    this.alerts = (await api<{ alerts: AlertPrefs }>("PUT", "/notifications", { alerts: patch })).alerts;
    this.changed();
  }

  async refreshTeam(): Promise<void> {
    this.teamTimer = undefined;
    const [team, deps] = await Promise.all([api("GET", "/team"), api("GET", "/departments")]);
    this.team = team.operators;
    this.departments = deps.departments;
    this.changed();
  }

  async refreshCanned(): Promise<void> {
    this.canned = (await api("GET", "/canned")).canned;
    this.changed();
  }

  setSort(sort: InboxSort): void {
    this.sort = sort;
    localStorage.setItem("edgechat.sort", sort);
    this.changed();
  }

  setView(view: View): void {
    this.view = view;
    localStorage.setItem("edgechat.view", view);
    this.changed();
  }

  /** Filters the list at once; asks the server too, for text older than the last message. */
  async search(query: string): Promise<void> {
    this.query = query;
    this.found = null;
    this.changed();
    if (query.trim().length < 2) return;
    const { conversations } = await api("GET", `/search?q=${encodeURIComponent(query.trim())}`);
    if (this.query !== query) return;
    this.found = conversations;
    for (const e of conversations as InboxEntry[]) if (!this.inbox.entries.has(e.id)) this.inbox.upsert(e);
    this.changed();
  }

  /**
   * The rows the inbox list shows, in its order: the view's, and with a query those matching
   * it here or found by the server's search. Alt+↑/↓ walk these same rows.
   */
  listed(): InboxEntry[] {
    const list = this.inbox.list(this.view, this.operator?.id ?? "", "", this.sort);
    if (!this.query) return list;
    const found = new Set((this.found ?? []).map((e) => e.id));
    return list.filter((e) => matches(e, this.query) || found.has(e.id));
  }

  /**
   * Opens a conversation as a tab (or brings its tab forward). A tab on one that was erased
   * connects again: its visitor may have begun a new conversation under the same id.
   */
  openConversation(id: string, activate = true): void {
    if (this.open.get(id)?.gone) this.open.delete(id);
    if (!this.open.has(id)) {
      const session = new ConversationSession(id, { id: this.operator!.id, name: this.operator!.name });
      session.addEventListener("entry", (e) => this.inbox.upsert((e as CustomEvent<InboxEntry>).detail));
      session.addEventListener("gone", () => this.forgetConversation(id));
      session.connect();
      this.open.set(id, session);
      this.saveOpen();
    }
    if (activate) this.activeId = id;
    this.changed();
  }

  /** An erased conversation leaves the list and the search's results; its tab stays to say so. */
  private forgetConversation(id: string): void {
    this.inbox.entries.delete(id);
    this.found = this.found?.filter((e) => e.id !== id) ?? null;
    this.changed();
  }

  /** Closes a tab and its socket; the draft stays for next time. */
  closeConversation(id: string): void {
    this.open.get(id)?.close();
    this.open.delete(id);
    if (this.activeId === id) this.activeId = [...this.open.keys()].at(-1) ?? null;
    this.saveOpen();
    go({ name: "inbox", ...(this.activeId ? { conversationId: this.activeId } : {}) }, true);
    this.changed();
  }

  /** Runs a conversation action (resolve, reopen, assign) and shows its result at once. */
  async act(id: string, action: "resolve" | "reopen" | "assign", body?: unknown): Promise<void> {
    const { conversation } = await api("POST", `/conversations/${id}/${action}`, body ?? {});
    this.inbox.upsert(conversation);
  }

  /** An operator's name; an id we do not know yet (someone just joined) refreshes the team. */
  nameOf(operatorId: string | null): string | null {
    if (!operatorId) return null;
    const known = this.team.find((o) => o.id === operatorId);
    if (!known && this.operator && !this.teamTimer) {
      this.teamTimer = setTimeout(() => void this.refreshTeam().catch(() => {}), 300);
    }
    return known?.name ?? null;
  }

  /** True when the operator has this conversation in front of them in a focused tab. */
  private lookingAt(conversationId: string): boolean {
    const route = current();
    return (
      route.name === "inbox" &&
      this.activeId === conversationId &&
      document.visibilityState === "visible" &&
      document.hasFocus()
    );
  }

  /** Chimes and shows a desktop notification for news the operator chose to hear of. */
  private alert(events: AlertEvent[], conversationId: string, title: string, body: string, tag: string): void {
    if (!events.some((e) => this.alerts.events[e]) || this.lookingAt(conversationId)) return;
    if (this.alerts.sound) chime();
    if (this.alerts.desktop)
      desktopNotify(title, body, tag, () => {
        this.openConversation(conversationId);
        go({ name: "inbox", conversationId });
      });
  }

  private onInboxChange(prev: InboxEntry | undefined, entry: InboxEntry): void {
    if (!this.operator) return;
    const events = alertEventsOf(prev, entry, this.operator.id, this.team);
    if (!events.length) return;
    const who = entry.visitorName ?? entry.email ?? t("inbox.visitor");
    const title = events.includes("newConversation")
      ? t("notify.newConversation", { who })
      : events.includes("assigned")
        ? t("notify.assigned", { who })
        : t("notify.message", { who });
    this.alert(events, entry.id, title, entry.lastMessage?.text ?? "", entry.id);
  }

  /** A visitor calls in a conversation not open here (an open one rings in its own panel). */
  private onRinging(ring: { conversationId: string; audioOnly: boolean }): void {
    if (this.open.has(ring.conversationId)) return;
    const entry = this.inbox.entries.get(ring.conversationId);
    if (entry && this.operator && !concernsMe(entry, this.operator.id, this.team)) return;
    this.alert(
      ["calls"],
      ring.conversationId,
      t(ring.audioOnly ? "call.incomingAudio" : "call.incoming"),
      t("call.notifyBody"),
      `call-${ring.conversationId}`,
    );
  }

  private saveOpen(): void {
    sessionStorage.setItem(OPEN_KEY, JSON.stringify([...this.open.keys()]));
  }

  changed(): void {
    this.dispatchEvent(new Event("change"));
  }
}

/** The one state of the page. */
export const state = new AppState();
