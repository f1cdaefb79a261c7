/** What a supervisor does from the wallboard (over REST; the change shows in the next push), and what they
 *  are told about it. */
import { signal } from "@preact/signals";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { valueName } from "../labels";
import { resync } from "./store";
import type { TicketRow } from "./types";

export const said = signal<{ text: string; error: boolean } | null>(null);

async function change(id: number, body: Record<string, unknown>, done: string): Promise<void> {
  try {
    await api("PATCH", `/api/v1/tickets/${id}`, body);
    said.value = { text: done, error: false };
    await resync(); // at once, not at the next push
  } catch (err) {
    said.value = { text: t("#%(id)s was not changed: %(error)s", { id, error: (err as Error).message }), error: true };
  }
}

export function assign(ticket: TicketRow, agentId: number, name: string): Promise<void> {
  return change(ticket.id, { assignee_id: agentId },
    t("#%(id)s is now with %(name)s, who has been notified.", { id: ticket.id, name }));
}

export function reprioritise(ticket: TicketRow, priority: string): Promise<void> {
  return change(ticket.id, { priority }, t("#%(id)s is now %(priority)s.", { id: ticket.id, priority: valueName(priority) }));
}
