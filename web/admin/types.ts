/** The shapes the admin pages read from the hub's REST API. */

export interface Account {
  id: number;
  email: string;
  display_name: string;
  role: string;
  active: boolean;
  languages: string[];
  skills: { skill: string; level: number }[];
  channels: string[];
  capacity: Record<string, number>;
}

export interface Queue {
  name: string;
  display_name: string;
  calendar: string | null;
  auto_assign: boolean;
  configured: boolean;
  members: number[];
}

export interface QueueStats {
  queue: string;
  waiting: number;
  longest_wait_s: number;
  sla_at_risk: number;
  sla_breached: number;
}

export interface Calendar {
  name: string;
  time_zone: string;
  hours: Record<string, string[]>;
  holidays: string[];
  workdays: string[];
  workday_hours: string[];
  configured: boolean; // from hub.toml
  edited: boolean; // changed by an admin since
  queues: string[]; // the queues counting in it
  updated_at: string;
}

export interface Token {
  id: number;
  name: string;
  role: string;
  created_at: string | null;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  usable: boolean;
}

export interface Webhook {
  id: number;
  url: string;
  events: string[];
  description: string;
  active: boolean;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: string | null;
}

export interface Delivery {
  id: number;
  event: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  occurred_at: string | null;
  delivered_at: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: { kind: string; id: number | null; name: string | null };
  action: string;
  entity: string | null;
  entity_id: number | null;
  details: Record<string, unknown>;
}
