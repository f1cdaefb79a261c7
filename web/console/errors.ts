/** What went wrong, said in the agent's language: the API's sentence from its template (`key`, `params`) when the
 * hub sent one; otherwise the kind of refusal (its `code`) as a translated headline, then the API's own words, so
 * no Chinese agent reads an English sentence alone. English pages show the API's words as they are. */
import { ApiError } from "../shared/api";
import { lang, t } from "../shared/i18n";

const HEADLINES: Record<string, string> = {
  bad_request: "Not accepted",
  invalid: "Not accepted",
  unauthorized: "Signed out: sign in again",
  forbidden: "Not allowed",
  not_found: "Not found",
  conflict: "Changed meanwhile or already done",
  too_large: "Too large",
  too_many_requests: "Too many tries: wait a moment",
  unavailable: "The hub is busy: try again shortly",
};

export function errorText(err: unknown): string {
  const translated = err instanceof ApiError ? err.translated() : null;
  if (translated) return translated;
  const message = err instanceof Error ? err.message : String(err);
  if (lang.startsWith("en")) return message;
  const headline = err instanceof ApiError ? HEADLINES[err.code] : undefined;
  return headline ? `${t(headline)} · ${message}` : message;
}
