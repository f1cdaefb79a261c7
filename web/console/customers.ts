/** Customers in the store: which workspace page shows (the work, the customers list or a profile), the list
 * (search, tier, server paging) and the open profile (its tickets, timeline and surveys), with their actions. */
import { signal } from "@preact/signals";
import { api } from "../shared/api";
import type { Phrase } from "./phrases";
import type { HistoryItem, Ticket } from "./types";

export type Page = { kind: "work" } | { kind: "customers" } | { kind: "customer"; id: number };

export interface Listed {
  id: number;
  display_name: string;
  tier: string;
  identities: { kind: string; value: string }[];
  snippet?: string;
  last_contact_at: string | null;
  open_tickets: number;
}

export interface Profile {
  id: number;
  name: string;
  tier: string;
  tier_override: string | null;
  lifetime_value: number | null;
  language: string | null;
  notes: string;
  created_at: string;
  merged_into_id: number | null;
  identities: { kind: string; value: string; verified: boolean }[];
  extensions: Record<string, string>;
  insight: {
    churn: { score: number; level: string; factors: string[] };
    complaints_open: number;
    strategy: { name: string; text: string };
  };
}

export interface Survey {
  rating: number;
  comment: string | null;
  ticket_id: number;
  channel: string;
  answered_at: string | null;
}

interface ProfileState {
  customer: Profile;
  history: HistoryItem[];
  history_before: number | null;
  surveys: Survey[];
  can_edit: boolean;
  tiers: string[];
  agents: Record<string, string>;
  phrases: Record<string, Phrase>;
}

interface TicketList {
  tickets: Ticket[];
  next: string | null;
  loading: boolean;
}

export const page = signal<Page>({ kind: "work" });
export const roster = signal<{ q: string; tier: string; list: Listed[]; next: string | null; loading: boolean; failed: boolean }>({
  q: "",
  tier: "",
  list: [],
  next: null,
  loading: false,
  failed: false,
});
export const profile = signal<(ProfileState & { id: number }) | null>(null);
export const profileError = signal("");
export const openTickets = signal<TicketList>({ tickets: [], next: null, loading: false });
export const doneTickets = signal<TicketList>({ tickets: [], next: null, loading: false });

let asked = 0;

/** The customers list for the current search and tier; `more` adds the next page. */
export async function loadCustomers(more = false): Promise<void> {
  const { q, tier, next } = roster.value;
  if (more && !next) return;
  const mine = ++asked;
  roster.value = { ...roster.value, loading: true, failed: false };
  const params = new URLSearchParams({ limit: "25" });
  if (q.trim()) params.set("q", q.trim());
  if (tier) params.set("tier", tier);
  if (more && next) params.set("cursor", next);
  try {
    const body = await api<{ customers: Listed[]; next_cursor: string | null }>("GET", `/api/v1/customers?${params.toString()}`);
    if (mine !== asked) return; // a newer search answered meanwhile
    const list = more ? [...roster.value.list, ...body.customers] : body.customers;
    roster.value = { ...roster.value, list, next: body.next_cursor, loading: false };
  } catch {
    if (mine === asked) roster.value = { ...roster.value, loading: false, failed: true };
  }
}

export function searchCustomers(q: string, tier: string): void {
  roster.value = { ...roster.value, q, tier, next: null };
  void loadCustomers();
}

async function ticketsOf(id: number, statuses: string, target: typeof openTickets, more: boolean): Promise<void> {
  const cursor = more ? target.value.next : null;
  if (more && !cursor) return;
  target.value = { ...target.value, loading: true };
  const path = `/api/v1/tickets?customer_id=${id}&status=${statuses}&limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
  const body = await api<{ tickets: Ticket[]; next_cursor: string | null }>("GET", path);
  if (page.value.kind !== "customer" || page.value.id !== id) return; // another page by now
  target.value = { tickets: [...(more ? target.value.tickets : []), ...body.tickets], next: body.next_cursor, loading: false };
}

/** Their open tickets (most urgent first), or the solved and closed ones, a page at a time. */
export function loadTickets(id: number, done: boolean, more = false): Promise<void> {
  return done ? ticketsOf(id, "solved,closed", doneTickets, more) : ticketsOf(id, "new,open,pending", openTickets, more);
}

export async function openProfile(id: number): Promise<void> {
  if (profile.value?.id !== id) {
    profile.value = null;
    openTickets.value = { tickets: [], next: null, loading: true };
    doneTickets.value = { tickets: [], next: null, loading: true };
  }
  profileError.value = "";
  try {
    const body = await api<ProfileState>("GET", `/api/v1/console/customers/${id}`);
    if (page.value.kind !== "customer" || page.value.id !== id) return;
    profile.value = { ...body, id };
  } catch (err) {
    profileError.value = (err as Error).message;
    return;
  }
  await Promise.all([loadTickets(id, false), loadTickets(id, true)]);
}

/** Older timeline entries, after those shown. */
export async function loadOlderHistory(): Promise<void> {
  const p = profile.value;
  if (!p?.history_before) return;
  const body = await api<ProfileState>("GET", `/api/v1/console/customers/${p.id}?before=${p.history_before}`);
  if (profile.value?.id !== p.id) return;
  profile.value = {
    ...profile.value,
    history: [...profile.value.history, ...body.history],
    history_before: body.history_before,
    phrases: { ...profile.value.phrases, ...body.phrases },
  };
}

/** A supervisor corrects the name, the notes or the tier ("auto" lifts an override); the profile reads afresh. */
export async function saveCustomer(id: number, patch: { display_name?: string; notes?: string; tier?: string }): Promise<void> {
  await api("PATCH", `/api/v1/customers/${id}`, patch);
  await openProfile(id);
}
