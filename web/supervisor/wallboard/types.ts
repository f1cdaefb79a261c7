/** The wallboard's figures as GET /api/v1/console/wallboard and the `queue_stats` push send them. */

export interface QueueFigures {
  queue: string;
  waiting: number;
  by_tier: Record<string, number>;
  longest_wait_s: number;
  sla_at_risk: number;
  sla_breached: number;
  service_level: number | null;
  service_level_counted: number;
  answered_today?: number;
}

export interface StaffMember {
  id: number;
  name: string;
  status: string;
  since: string | null; // when the agent entered this status (ISO time; null: not recorded yet)
  load: number;
  capacity: number;
  occupancy: number;
}

export interface TicketRow {
  id: number;
  customer_name: string;
  customer_tier: string;
  subject: string;
  priority: string;
  channel: string;
  queue: string;
  assignee_id: number | null;
  created_at: string;
  first_response_due_at: string | null;
  sla_breached: boolean;
}

export interface Board {
  at: string;
  event_id?: number;
  queues: QueueFigures[];
  waiting_by_skill: Record<string, number>;
  waiting_by_tier: Record<string, number>;
  agents: Record<string, number>;
  staff_online: number;
  staff: StaffMember[];
  waiting: TicketRow[];
  live_conversations: TicketRow[];
}
