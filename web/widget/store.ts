/** The widget's one store: the conversation as the socket events and the visitor's own actions leave it. */
import { signal } from "@preact/signals";

export type Status = "sending" | "sent" | "delivered" | "read" | "failed";

export interface FileInfo {
  name: string;
  type: string;
  size?: number | null;
  preview?: string; // a local object URL of an image the visitor picked in this page
}

export interface ChatMessage {
  id: string; // "s-<server id>" once stored, "c-<client id>" before
  serverId?: number;
  direction: "inbound" | "outbound";
  text: string;
  html?: string;
  author?: string;
  createdAt: string;
  status?: Status;
  kind?: "survey" | "rating";
  files?: FileInfo[];
}

export interface Notice {
  code: string;
  key?: string;
  params?: Record<string, string | number | null>;
  text?: string;
}

export type Connection = "idle" | "connecting" | "online" | "offline";

export const messages = signal<ChatMessage[]>([]);
export const started = signal(false);
export const connection = signal<Connection>("idle");
export const notice = signal<Notice | null>(null);
export const problem = signal("");
export const agentTyping = signal<string | null>(null); // the agent's name ("" when unknown) while they type
export const returned = signal<string | null>(null); // a refused message's text, back in the composer
export const ratings = signal<Record<string, number>>({}); // survey message id -> the visitor's answer

export function upsert(message: ChatMessage): void {
  const list = messages.value;
  const at = list.findIndex((m) => m.id === message.id);
  messages.value = at < 0 ? [...list, message] : list.map((m, i) => (i === at ? { ...m, ...message } : m));
}

export function update(id: string, change: Partial<ChatMessage>): void {
  messages.value = messages.value.map((m) => (m.id === id ? { ...m, ...change } : m));
}

export function remove(id: string): void {
  messages.value = messages.value.filter((m) => m.id !== id);
}

/** The agent's console showed the visitor's messages up to `upTo`: they were read. */
export function markRead(upTo: number): void {
  messages.value = messages.value.map((m) =>
    m.direction === "inbound" && m.serverId !== undefined && m.serverId <= upTo && m.status !== "read"
      ? { ...m, status: "read" }
      : m,
  );
}

/** The last agent who wrote, for the typing line. */
export function lastAgent(): string {
  for (let i = messages.value.length - 1; i >= 0; i--) {
    const m = messages.value[i];
    if (m && m.direction === "outbound" && m.kind !== "survey" && m.author) return m.author;
  }
  return "";
}
