/** Splitting a ticket: the agent picks messages of the open conversation, they move to a new ticket of the same
 * customer, and the workspace opens it saying where it came from. */
import { signal } from "@preact/signals";
import { api } from "../shared/api";
import { openId } from "./conversation";
import { navigate } from "./router";
import type { Ticket } from "./types";

export const splitting = signal(false);
export const picked = signal<ReadonlySet<number>>(new Set());
/** What the last split did, shown on the new ticket until the agent opens another. */
export const splitDone = signal<{ from: number; to: number; count: number } | null>(null);

// Another ticket opened: picking ends (the split done on it stays told until the agent moves on).
openId.subscribe(() => {
  if (splitting.value) startSplit(false);
});

export function startSplit(on: boolean): void {
  splitting.value = on;
  picked.value = new Set();
}

export function togglePick(id: number): void {
  const next = new Set(picked.value);
  if (!next.delete(id)) next.add(id);
  picked.value = next;
}

export async function splitOff(subject: string): Promise<void> {
  const from = openId.value;
  if (from === null || !picked.value.size) return;
  const body: Record<string, unknown> = { interaction_ids: [...picked.value] };
  if (subject.trim()) body.subject = subject.trim();
  const r = await api<{ created: Ticket; moved: number }>("POST", `/api/v1/tickets/${from}/split`, body);
  startSplit(false);
  splitDone.value = { from, to: r.created.id, count: r.moved };
  navigate(r.created.id);
}
