/** The shapes the workspace reads from the hub's REST API and socket events. */
import type { Phrase } from "./phrases";

export interface Ticket {
  id: number;
  customer_id: number;
  customer_name: string;
  customer_tier: string;
  subject: string;
  status: string;
  priority: string;
  channel: string;
  queue: string;
  assignee_id: number | null;
  tags: string[];
  assignment: { reasons?: string[] } | null;
  first_response_due_at: string | null;
  first_responded_at: string | null;
  last_message_at: string | null;
  created_at: string;
  updated_at: string;
  merged_into_id: number | null;
  remind_at: string | null;
  sla_breached: boolean;
  snippet?: string;
  /** The last thing the customer or an agent said (lists only; never a note). */
  preview?: { by: string; text: string } | null;
}

export interface Attachment {
  storage_key: string;
  filename: string;
  content_type?: string;
  size?: number;
}

export interface Interaction {
  id: number;
  ticket_id: number;
  direction: "inbound" | "outbound" | "note" | "system" | string;
  channel: string;
  author_agent_id: number | null;
  text: string;
  html: string | null;
  attachments: Attachment[];
  meta: Record<string, unknown>;
  delivery_status: string | null;
  delivery_error: string | null;
  delivery_next_attempt_at: string | null;
  created_at: string;
}

export interface Claim {
  name?: string | null;
  email?: string | null;
  identifier?: string;
  verified?: boolean;
}

export interface Limits {
  max_chars: number | null;
  max_bytes: number | null;
  window_hours: number | null;
  segments: boolean;
}

export interface Macro {
  id: number;
  title: string;
  body: string;
}

export interface HistoryItem {
  id: number;
  kind: string;
  occurred_at: string;
  channel: string | null;
  ticket_id: number | null;
  summary: string;
}

export interface Customer {
  id: number;
  name: string;
  tier: string;
  lifetime_value: number | null;
  insight: {
    churn: { score: number; level: string; factors: string[] };
    complaints_open: number;
    strategy: { name: string; text: string };
  };
  identities: [string, string][];
  extensions: Record<string, string>;
  shared_phones: { number: string; extension?: string; shared_with?: number }[];
  claim: Claim | null;
}

export interface TicketState {
  ticket: Ticket;
  interactions: Interaction[];
  customer: Customer;
  history: HistoryItem[];
  surveys: { rating: number; comment: string | null; ticket_id: number }[];
  channels: Record<string, Limits>;
  macros: Macro[];
  queues: string[];
  agents: Record<string, string>;
  /** English sentences above (reasons, summaries, churn factors) as message key + params. */
  phrases?: Record<string, Phrase>;
}

export interface Suggestion {
  article_id: number;
  title: string;
  short_answer: string;
  body: string;
  confidence: number;
  confident: boolean;
  usefulness?: { helpful?: number; inserted?: number; not_helpful?: number };
}

export interface Signal {
  signal: string;
  strength: string;
  points: number;
  detail: string;
}

export interface Duplicate {
  customer_id: number;
  name: string;
  score: number;
  basis: string;
  signals: Signal[];
}

export interface Offer {
  ticket: Ticket;
  expires_at: string;
  error?: string;
}

export interface Viewer {
  agent_id: number | null;
  name: string;
  typing: boolean;
}

export interface Notice {
  id: string;
  kind: "mention" | "assigned" | "unassigned" | "sla" | "missed";
  ticket_id: number;
  subject: string;
  by?: string;
  text?: string;
  at: string;
  read: boolean;
}

export interface CustomerHit {
  id: number;
  display_name: string;
  tier: string;
  identities: { kind: string; value: string }[];
}
