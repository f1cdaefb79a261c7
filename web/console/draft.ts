/** The reply being written, per ticket, kept across reloads (localStorage) until it is sent. */
import { signal } from "@preact/signals";
import { openId } from "./conversation";

export interface Draft {
  text: string;
  articles: number[]; // articles whose full (Markdown) answer is in the text
}

export const draft = signal<Draft>({ text: "", articles: [] });

function key(id: number): string {
  return `hub.draft.${id}`;
}

export function loadDraft(id: number | null): void {
  if (id === null) {
    draft.value = { text: "", articles: [] };
    return;
  }
  try {
    const kept = JSON.parse(localStorage.getItem(key(id)) ?? "null") as Draft | null;
    draft.value = kept && typeof kept.text === "string" ? { text: kept.text, articles: kept.articles ?? [] } : { text: "", articles: [] };
  } catch {
    draft.value = { text: "", articles: [] };
  }
}

export function setDraft(next: Draft): void {
  // Emptied: no inserted article is left in it.
  draft.value = next.text ? next : { text: "", articles: [] };
  const id = openId.value;
  if (id === null) return;
  if (draft.value.text) localStorage.setItem(key(id), JSON.stringify(draft.value));
  else localStorage.removeItem(key(id));
}

/** Add text at the end (an article's answer, a canned response), remembering an article inserted in full. */
export function insertText(text: string, articleId?: number): void {
  const d = draft.value;
  const articles = articleId !== undefined && !d.articles.includes(articleId) ? [...d.articles, articleId] : d.articles;
  setDraft({ text: d.text ? `${d.text}\n\n${text}` : text, articles });
}
