/** The workspace's one store: the console's active tickets, fed by socket events and replaced by a REST read on
 * every (re)connect; views, counts and order are computed from it, so nothing ever needs a reload. */
import { computed, signal } from "@preact/signals";
import { api } from "../shared/api";
import { boot } from "./boot";
import { connect, on } from "./live";
import { atRisk, byUrgency } from "./order";
import type { Ticket } from "./types";

export type View = "mine" | "unassigned" | "queues" | "all" | "mentions" | "snoozed" | "solved";
export interface Filters {
  channel: string;
  tier: string;
  sla: boolean;
}

const ACTIVE = new Set(["new", "open", "pending"]);

export const tickets = signal<ReadonlyMap<number, Ticket>>(new Map());
export const scope = signal({ me: boot.me.agent_id, queues: [] as string[], supervisor: boot.me.supervisor });
export const agents = signal<Record<string, string>>({});
export const truncated = signal(false);
export const view = signal<View>("mine");
export const filters = signal<Filters>({ channel: "", tier: "", sla: false });
export const now = signal(Date.now());
export const solved = signal<{ tickets: Ticket[]; next: string | null; loading: boolean }>({
  tickets: [],
  next: null,
  loading: false,
});
export const mentioned = signal<ReadonlySet<number>>(new Set());
export const seen = signal<Record<string, string>>(readSeen());

let syncing = true;
let buffered: { eid: number; ticket: Ticket }[] = [];
let syncs = 0;

function seenKey(): string {
  return `hub.seen.${boot.me.agent_id ?? "x"}`;
}

function readSeen(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(seenKey()) ?? "{}") as Record<string, string>;
  } catch {
    return {};
  }
}

/** The agent has seen this ticket as it is now: its unread marker goes. */
export function markSeen(t: Ticket): void {
  if (!t.last_message_at || seen.value[t.id] === t.last_message_at) return;
  const next = { ...seen.value, [t.id]: t.last_message_at };
  seen.value = next;
  localStorage.setItem(seenKey(), JSON.stringify(next));
}

export function unread(t: Ticket): boolean {
  return !!t.last_message_at && (seen.value[t.id] ?? "") < t.last_message_at;
}

function newer(a: Ticket, b: Ticket): boolean {
  const d = Date.parse(a.updated_at) - Date.parse(b.updated_at);
  return d > 0 || (d === 0 && a.updated_at >= b.updated_at);
}

function inScope(t: Ticket): boolean {
  const s = scope.value;
  return ACTIVE.has(t.status) && (s.queues.includes(t.queue) || (s.me !== null && t.assignee_id === s.me));
}

const listeners: ((before: Ticket | undefined, after: Ticket) => void)[] = [];

/** Told of every ticket change the store applies (notifications listen). */
export function onTicketChange(fn: (before: Ticket | undefined, after: Ticket) => void): void {
  listeners.push(fn);
}

export function applyTicket(t: Ticket): void {
  const old = tickets.value.get(t.id);
  if (old && !newer(t, old)) return;
  // Pushed tickets carry no preview of the last message: the one known (or the message's) stays.
  if (t.preview === undefined && old?.preview !== undefined) t = { ...t, preview: old.preview };
  const next = new Map(tickets.value);
  if (inScope(t)) next.set(t.id, t);
  else next.delete(t.id);
  tickets.value = next;
  for (const fn of listeners) fn(old, t);
}

/** What a list row previews from a pushed message: what the customer or an agent said, never a note. */
function withPreview(ticket: Ticket, message: unknown): Ticket {
  const m = message as { direction?: string; text?: string } | undefined;
  if (!m?.text || (m.direction !== "inbound" && m.direction !== "outbound")) return ticket;
  return { ...ticket, preview: { by: m.direction === "inbound" ? "customer" : "agent", text: m.text.split(/\s+/).join(" ").slice(0, 100) } };
}

function onEvent(e: Record<string, unknown>): void {
  const event = { eid: Number(e.eid ?? 0), ticket: withPreview(e.ticket as Ticket, e.interaction) };
  if (syncing) buffered.push(event);
  else applyTicket(event.ticket);
}

interface InboxState {
  event_id: number;
  me: number | null;
  supervisor: boolean;
  queues: string[];
  agents: Record<string, string>;
  tickets: Ticket[];
  truncated: boolean;
}

export async function resync(): Promise<void> {
  syncing = true;
  buffered = [];
  try {
    const state = await api<InboxState>("GET", "/api/v1/console/inbox");
    scope.value = { me: state.me, queues: state.queues, supervisor: state.supervisor };
    agents.value = state.agents;
    tickets.value = new Map(state.tickets.map((t) => [t.id, t]));
    truncated.value = state.truncated;
    // Events that raced the read: only those newer than the state it returned.
    const late = buffered.filter((e) => e.eid > state.event_id);
    buffered = [];
    syncing = false;
    syncs += 1;
    for (const e of late) applyTicket(e.ticket);
  } catch {
    window.setTimeout(() => {
      if (connect().connected) void resync();
    }, 2000);
  }
}

function passes(t: Ticket, f: Filters, at: number): boolean {
  return (!f.channel || t.channel === f.channel) && (!f.tier || t.customer_tier === f.tier) && (!f.sla || atRisk(t, at));
}

function inView(t: Ticket, v: View): boolean {
  const s = scope.value;
  switch (v) {
    case "mine":
      return t.assignee_id === s.me && !snoozed(t);
    case "queues":
      return s.queues.includes(t.queue);
    case "unassigned":
      return t.assignee_id === null;
    case "mentions":
      return mentioned.value.has(t.id);
    case "snoozed":
      return snoozed(t);
    default:
      return true;
  }
}

export function snoozed(t: Ticket): boolean {
  return t.status === "pending" && !!t.remind_at;
}

const LIVE_VIEWS: View[] = ["mine", "unassigned", "queues", "all", "mentions", "snoozed"];

export const counts = computed(() => {
  const f = filters.value;
  const at = now.value;
  const result: Record<string, number> = Object.fromEntries(LIVE_VIEWS.map((v) => [v, 0]));
  for (const t of tickets.value.values()) {
    if (!passes(t, f, at)) continue;
    for (const v of LIVE_VIEWS) if (inView(t, v)) result[v] = (result[v] ?? 0) + 1;
  }
  return result;
});

/** The current view's tickets, most urgent first. */
export const listed = computed(() => {
  const at = now.value;
  if (view.value === "solved") return solved.value.tickets;
  const f = filters.value;
  const rows = [...tickets.value.values()].filter((t) => passes(t, f, at) && inView(t, view.value));
  return rows.sort(byUrgency(at)).slice(0, 500);
});

/** Unread work of the agent's own: the count in the tab title. */
export const unreadMine = computed(() => [...tickets.value.values()].filter((t) => t.assignee_id === scope.value.me && unread(t)).length);

export async function loadSolved(more = false): Promise<void> {
  const cursor = more ? solved.value.next : null;
  if (more && !cursor) return;
  solved.value = { ...solved.value, loading: true };
  const mine = scope.value.supervisor ? "" : "&assignee=me";
  const page = await api<{ tickets: Ticket[]; next_cursor: string | null }>(
    "GET",
    `/api/v1/tickets?status=solved,closed&order=recent&limit=50${mine}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
  );
  solved.value = { tickets: [...(more ? solved.value.tickets : []), ...page.tickets], next: page.next_cursor, loading: false };
}

export function chooseView(v: View): void {
  view.value = v;
  if (v === "solved") void loadSolved();
}

export function startInbox(): void {
  const socket = connect();
  on("connect", () => void resync());
  on("ticket", onEvent);
  on("message", onEvent);
  if (socket.connected) void resync();
  // "at risk" and the countdowns depend on the clock too.
  window.setInterval(() => (now.value = Date.now()), 15000);
}

/** For tests and debugging: the store as [id, status, assignee, queue, priority, updated_at], by id. */
export const debug = {
  get syncs(): number {
    return syncs;
  },
  snapshot(): unknown[] {
    return [...tickets.value.values()]
      .sort((a, b) => a.id - b.id)
      .map((t) => [t.id, t.status, t.assignee_id, t.queue, t.priority, t.updated_at]);
  },
  synced(): boolean {
    return !syncing && buffered.length === 0;
  },
};
