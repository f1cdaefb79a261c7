/** The order work is answered in: an overdue first answer, then priority, tier, nearest due time, longest wait. */
import type { Ticket } from "./types";

const PRIORITY: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
const TIER: Record<string, number> = { diamond: 0, gold: 1, silver: 2, general: 3 };
const AT_RISK_MS = 10 * 60 * 1000;

function rank(table: Record<string, number>, key: string): number {
  // An unknown value goes last; `?? 9`, never `|| 9`, which would put the first rank (0) last.
  return table[key] ?? 9;
}

/** When the first answer is due; never once answered. */
export function due(t: Ticket): number {
  return !t.first_responded_at && t.first_response_due_at ? Date.parse(t.first_response_due_at) : Infinity;
}

export function atRisk(t: Ticket, now: number): boolean {
  return due(t) - now < AT_RISK_MS;
}

export function byUrgency(now: number): (a: Ticket, b: Ticket) => number {
  return (a, b) => {
    const da = due(a);
    const db = due(b);
    return (
      (da < now ? 0 : 1) - (db < now ? 0 : 1) ||
      rank(PRIORITY, a.priority) - rank(PRIORITY, b.priority) ||
      rank(TIER, a.customer_tier) - rank(TIER, b.customer_tier) ||
      (da === db ? 0 : da - db) ||
      (a.last_message_at ?? "").localeCompare(b.last_message_at ?? "")
    );
  };
}
