/** What the widget keeps in the visitor's browser: their token, what they told us, and unacknowledged messages. */

export const TOKEN = "hub.visitor_token";
export const PROFILE = "hub.visitor_profile";
export const OUTBOX = "hub.visitor_outbox"; // [{id, text, files?}]: sent, not acknowledged yet
export const RATED = "hub.visitor_ratings"; // {survey message id: rating}

export interface FileRef {
  key: string;
  name: string;
  type: string;
  size?: number;
}

export interface Outgoing {
  id: string;
  text: string;
  files?: FileRef[];
}

export function save(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* private mode: the chat works, it is just not resumed after a reload */
  }
}

export function load(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function loadJson<T>(key: string, fallback: T, valid: (v: unknown) => boolean): T {
  try {
    const value: unknown = JSON.parse(load(key) ?? "null");
    return valid(value) ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

export function savedOutbox(): Outgoing[] {
  const items = loadJson<unknown[]>(OUTBOX, [], Array.isArray);
  return items.filter(
    (i): i is Outgoing =>
      !!i && typeof (i as Outgoing).id === "string" && typeof (i as Outgoing).text === "string",
  );
}

/** The embedding website may say who the visitor is (the launcher puts it in the address's fragment, which
 * never reaches a server log): {name, email, identifier, identifier_hash}. Taken out of the address at once. */
export function siteIdentity(): Record<string, string> | null {
  const raw = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("identity");
  if (window.location.hash) history.replaceState(null, "", window.location.pathname + window.location.search);
  try {
    const found: unknown = raw ? JSON.parse(raw) : null;
    if (!found || typeof found !== "object") return null;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(found as Record<string, unknown>)) if (typeof v === "string") out[k] = v;
    return out;
  } catch {
    return null;
  }
}

export function newId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
