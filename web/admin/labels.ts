/** Names people read for the hub's internal values on the admin pages: roles, events, audit actions, records. */
import { t } from "../shared/i18n";

export const ROLES = ["agent", "supervisor", "knowledge_manager", "admin"] as const;

const ROLE_NAMES: Record<string, string> = {
  agent: "Agent",
  supervisor: "Supervisor",
  knowledge_manager: "Knowledge manager",
  admin: "Administrator",
};

export const EVENTS = [
  "ticket.created",
  "ticket.updated",
  "ticket.assigned",
  "message.received",
  "message.created",
  "survey.answered",
] as const;

const EVENT_NAMES: Record<string, string> = {
  "ticket.created": "Ticket created",
  "ticket.updated": "Ticket updated",
  "ticket.assigned": "Ticket assigned",
  "message.received": "Message received",
  "message.created": "Message sent",
  "survey.answered": "Survey answered",
};

const CHANNEL_NAMES: Record<string, string> = {
  webchat: "Web chat",
  email: "E-mail",
  "sms.twilio": "SMS",
  sms: "SMS",
  "voice.twilio": "Phone call",
  wechat: "WeChat",
  phone: "Phone",
};

const ENTITY_NAMES: Record<string, string> = {
  agent: "Agent",
  api_token: "API token",
  token: "API token",
  queue: "Queue",
  calendar: "Calendar",
  webhook: "Webhook",
  ticket: "Ticket",
  customer: "Customer",
  article: "Article",
  macro: "Macro",
  routing: "Routing",
  report: "Report",
};

const ACTION_NAMES: Record<string, string> = {
  "agent.created": "Agent created",
  "agent.login": "Signed in",
  "agent.deactivated": "Agent deactivated",
  "agent.reactivated": "Agent reactivated",
  "agent.role_changed": "Role changed",
  "agent.profile_changed": "Profile changed",
  "agent.password_reset": "Password reset",
  "agent.password_set": "Password set",
  "agent.own_limits": "Own limits changed",
  "agent.two_factor_enrolled": "Two-factor sign-in turned on",
  "agent.two_factor_disabled": "Two-factor sign-in turned off",
  "agent.two_factor_reset": "Two-factor sign-in reset",
  "token.created": "API token created",
  "token.revoked": "API token revoked",
  "queue.created": "Queue created",
  "queue.updated": "Queue changed",
  "queue.members_set": "Queue members changed",
  "calendar.created": "Calendar created",
  "calendar.updated": "Calendar changed",
  "calendar.deleted": "Calendar deleted",
  "webhook.created": "Webhook created",
  "webhook.changed": "Webhook changed",
  "webhook.disabled": "Webhook turned off",
  "webhook.removed": "Webhook deleted",
  "routing.reloaded": "Routing policy reloaded",
  "customer.viewed": "Customer viewed",
  "customer.exported": "Customer data exported",
  "customer.erased": "Customer erased",
  "customer.merged": "Customers merged",
  "customer.unmerged": "Customer merge undone",
  "customer.tier_changed": "Customer tier changed",
  "report.exported": "Report exported",
  "ticket.created": "Ticket created",
  "ticket.assigned": "Ticket assigned",
  "ticket.updated": "Ticket updated",
};

const DELIVERY_STATES: Record<string, string> = {
  pending: "Waiting",
  sending: "Sending",
  delivered: "Delivered",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const roleName = (role: string): string => t(ROLE_NAMES[role] ?? role);
export const eventName = (event: string): string => t(EVENT_NAMES[event] ?? event);
export const channelName = (channel: string): string => t(CHANNEL_NAMES[channel] ?? channel);
export const entityName = (kind: string): string => t(ENTITY_NAMES[kind] ?? kind);
export const deliveryState = (status: string): string => t(DELIVERY_STATES[status] ?? status);

/** An audit action as a sentence-case label; one we do not know yet reads as its record and verb. */
export function actionName(action: string): string {
  const known = ACTION_NAMES[action];
  if (known) return t(known);
  const [kind = "", verb = ""] = action.split(".", 2);
  return `${entityName(kind)} · ${verb.replace(/_/g, " ")}`;
}

export const actionOptions = (): [string, string][] => Object.keys(ACTION_NAMES).map((a) => [a, actionName(a)]);
