/** The open ticket in the store: its conversation, context and collaborators, kept live by the socket, and the
 * actions on it (reply, change, retry). Components call these; they never fetch themselves. */
import { signal } from "@preact/signals";
import { api } from "../shared/api";
import { ask, connect, on } from "./live";
import { applyTicket, markSeen } from "./store";
import type { Attachment, Interaction, Suggestion, Ticket, TicketState, Viewer } from "./types";

export const openId = signal<number | null>(null);
export const state = signal<TicketState | null>(null);
export const loadError = signal("");
export const viewers = signal<Viewer[]>([]);
export const customerTyping = signal(false);
export const suggestions = signal<Suggestion[] | null>(null);
/** The ticket this socket watches (the server acknowledged): read receipts are only taken for it. */
export const watched = signal<number | null>(null);

function patchState(fn: (s: TicketState) => TicketState): void {
  if (state.value) state.value = fn(state.value);
}

/** The routing reasons the last read translated: new ones (a socket update) need a read for their keys. */
let phrased = new Set<string>();

function showTicket(t: Ticket): void {
  patchState((s) => (s.ticket.id === t.id ? { ...s, ticket: t } : s));
  if (t.id === openId.value && (t.assignment?.reasons ?? []).some((r) => !phrased.has(r))) void read(t.id);
  applyTicket(t);
  if (t.id === openId.value) markSeen(t);
}

function addMessage(m: Interaction): void {
  patchState((s) =>
    s.ticket.id !== m.ticket_id || s.interactions.some((i) => i.id === m.id)
      ? s
      : { ...s, interactions: [...s.interactions, m] },
  );
}

async function read(id: number): Promise<void> {
  try {
    const fresh = await api<TicketState>("GET", `/api/v1/console/tickets/${id}`);
    if (openId.value !== id) return;
    state.value = fresh;
    phrased = new Set(fresh.ticket.assignment?.reasons ?? []);
    loadError.value = "";
    applyTicket(fresh.ticket);
    markSeen(fresh.ticket);
    const asked = [...fresh.interactions].reverse().find((i) => i.direction === "inbound");
    if (asked && suggestions.value === null) void searchKnowledge(asked.text);
  } catch (err) {
    loadError.value = (err as Error).message;
  }
}

async function watch(id: number): Promise<void> {
  const ack = await ask<{ ok: boolean; viewers?: Viewer[] }>("watch", { ticket_id: id });
  if (openId.value !== id) return;
  if (ack?.viewers) viewers.value = ack.viewers;
  if (ack?.ok) watched.value = id;
}

export function openTicket(id: number | null): void {
  const before = openId.value;
  if (before === id) return;
  if (before !== null) connect().emit("unwatch", { ticket_id: before });
  openId.value = id;
  watched.value = null;
  state.value = null;
  viewers.value = [];
  customerTyping.value = false;
  suggestions.value = null;
  if (id === null) return;
  void read(id);
  if (connect().connected) void watch(id);
}

export async function searchKnowledge(q: string): Promise<void> {
  const id = openId.value;
  if (id === null) return;
  const path = `/api/v1/knowledge/suggest?ticket_id=${id}&q=${encodeURIComponent(q.slice(0, 500))}`;
  const body = await api<{ suggestions?: Suggestion[] }>("GET", path);
  if (openId.value === id) suggestions.value = body.suggestions ?? [];
}

export function feedback(articleId: number, kind: string): Promise<unknown> {
  return api("POST", `/api/v1/knowledge/articles/${articleId}/feedback`, { kind, ticket_id: openId.value });
}

export interface Reply {
  text: string;
  internal: boolean;
  coach: boolean;
  channel: string;
  mentions: number[];
  attachments: Attachment[];
  articles: number[];
  markdown?: boolean; // written with the toolbar's marks: each channel gets it as it can show it
}

export async function sendReply(r: Reply): Promise<void> {
  const s = state.value;
  if (!s) return;
  const body: Record<string, unknown> = { text: r.text, internal: r.internal || r.coach };
  if (r.attachments.length) body.attachments = r.attachments;
  if (r.internal || r.coach) {
    body.mentions = r.mentions;
    if (r.coach) body.coach = true;
  } else {
    if (r.channel && r.channel !== s.ticket.channel) body.channel = r.channel;
    // Marked up, or an article's full answer is in it: Markdown, which the hub gives each channel as it can show it.
    if (r.articles.length || r.markdown) body.format = "markdown";
    if (r.articles.length) body.articles = r.articles;
  }
  const sent = await api<{ interaction: Interaction; ticket?: Ticket }>("POST", `/api/v1/tickets/${s.ticket.id}/replies`, body);
  addMessage(sent.interaction);
  if (sent.ticket) showTicket(sent.ticket);
}

export async function change(patch: Record<string, unknown>): Promise<void> {
  const id = openId.value;
  if (id === null) return;
  const r = await api<{ ticket: Ticket }>("PATCH", `/api/v1/tickets/${id}`, patch);
  showTicket(r.ticket);
}

export async function applyMacro(macroId: number): Promise<string> {
  const r = await api<{ text: string; ticket?: Ticket }>("POST", `/api/v1/tickets/${openId.value}/macros/${macroId}`);
  if (r.ticket) showTicket(r.ticket);
  return r.text;
}

export function retry(messageId: number): Promise<unknown> {
  return api("POST", `/api/v1/messages/${messageId}/retry`);
}

export async function upload(file: File): Promise<Attachment> {
  const form = new FormData();
  form.append("file", file, file.name);
  const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
  const r = await fetch("/api/v1/attachments", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf }, body: form });
  const data = (await r.json().catch(() => ({}))) as { attachment?: Attachment; error?: { message?: string } };
  if (!r.ok || !data.attachment) throw new Error(data.error?.message ?? "upload failed");
  return data.attachment;
}

export function typing(isTyping: boolean, internal: boolean): void {
  if (openId.value !== null) connect().emit("typing", { ticket_id: openId.value, typing: isTyping, internal });
}

export function startConversation(): void {
  on("connect", () => {
    const id = openId.value;
    if (id === null) return;
    // Back after a drop: what happened meanwhile comes from a fresh read, not from events we missed.
    void watch(id);
    void read(id);
  });
  on("message", (e) => {
    const t = e.ticket as Ticket;
    if (t.id !== openId.value) return;
    const m = e.interaction as Interaction;
    const moved = m.meta ?? {};
    if (moved.merged_from || moved.merged_into || moved.split_to || moved.split_from) {
      void read(t.id); // a merge or split moved messages in or out: read afresh
      return;
    }
    addMessage(m);
    showTicket(t);
    if (m.direction === "inbound") customerTyping.value = false;
  });
  on("ticket", (e) => {
    const t = e.ticket as Ticket;
    if (t.id === openId.value) showTicket(t);
  });
  on("viewers", (e) => {
    if (e.ticket_id === openId.value) viewers.value = e.viewers as Viewer[];
  });
  on("typing", (e) => {
    if (e.ticket_id === openId.value && e.who === "customer") customerTyping.value = !!e.typing;
  });
  on("suggestions", (e) => {
    if (e.ticket_id === openId.value) suggestions.value = e.suggestions as Suggestion[];
  });
  on("delivery", (e) => {
    if (e.ticket_id !== openId.value) return;
    patchState((s) => ({
      ...s,
      interactions: s.interactions.map((i) =>
        i.id === e.interaction_id
          ? {
              ...i,
              delivery_status: e.status as string,
              delivery_error: (e.error as string | null) ?? null,
              // The cause as a template (hub/wording.py), kept where the ticket's snapshot has it: in meta.
              meta: { ...i.meta, delivery_problem: e.problem ?? undefined },
              delivery_next_attempt_at: (e.next_attempt_at as string | null) ?? null,
            }
          : i,
      ),
    }));
  });
}
