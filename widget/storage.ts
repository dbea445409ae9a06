/**
 * The widget's browser storage, one namespace per site: `edgechat:<site>:<key>`. Every call
 * tolerates blocked storage (private modes, sandboxed frames): the chat then works for the
 * life of the page and forgets on reload, which is the best it can do there.
 */
export class SiteStorage {
  constructor(readonly site: string) {}

  /** The full localStorage key of `name`, to match `storage` events. */
  key(name: string): string {
    return `edgechat:${this.site}:${name}`;
  }

  get<T>(name: string, area: Storage = localStorage): T | null {
    try {
      const raw = area.getItem(this.key(name));
      return raw ? (JSON.parse(raw) as T) : null;
    } catch {
      return null;
    }
  }

  /** Stores `value` as JSON; null or undefined removes the key. */
  set(name: string, value: unknown, area: Storage = localStorage): void {
    try {
      if (value == null) area.removeItem(this.key(name));
      else area.setItem(this.key(name), JSON.stringify(value));
    } catch {
      // quota or blocked storage: keep working from memory
    }
  }
}

/** What the loader needs to draw the launcher in the site's look before the component arrives. */
export interface CachedLook {
  /** Accent colour and the text colour on it. */
  c: string;
  f: string;
  /** Launcher on the left. */
  l?: 1;
  /** Launcher text. */
  t?: string;
}
