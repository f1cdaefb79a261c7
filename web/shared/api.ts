/** The hub's REST API from the browser: same-origin cookies, the CSRF header, errors as exceptions. */
import { t } from "./i18n";

/** What fills a sentence's placeholders: field names, numbers, channels, as they are in every language. */
export type Params = Record<string, string | number>;

/** A refusal: its status and code, the English message, and (when the hub words it as a template) the catalog
 * key and params the page translates with t(key, params). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly key: string | null = null,
    readonly params: Params = {},
  ) {
    super(message);
  }

  /** The sentence in the page's language when the hub sent its template; null when it did not. */
  translated(): string | null {
    return this.key ? t(this.key, this.params) : null;
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; key?: string; params?: Params };
}

function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { "X-CSRF-Token": csrfToken() };
  const init: RequestInit = { method, credentials: "same-origin", headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = (await response.json().catch(() => ({}))) as ErrorBody;
  if (!response.ok) {
    const error = data.error;
    throw new ApiError(
      response.status,
      error?.code ?? "http",
      error?.message ?? `${method} ${path}: ${response.status}`,
      typeof error?.key === "string" ? error.key : null,
      error?.params ?? {},
    );
  }
  return data as T;
}
