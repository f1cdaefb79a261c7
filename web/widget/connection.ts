/** The visitor's socket: connect or resume, send (acknowledged once stored, sent again until it is), and the
 * hub's events (replies, typing, read receipts, notices) into the store. */
import { io, type Socket } from "socket.io-client";
import { boot, t } from "./boot";
import { errorText } from "./refusals";
import {
  agentTyping,
  connection,
  lastAgent,
  markRead,
  messages,
  notice,
  problem,
  remove,
  returned,
  started,
  update,
  upsert,
  type ChatMessage,
  type FileInfo,
  type Notice,
} from "./store";
import { OUTBOX, TOKEN, load, newId, save, savedOutbox, type FileRef, type Outgoing } from "./saved";

interface Wire {
  id: number;
  ticket_id: number;
  direction: "inbound" | "outbound";
  text: string;
  html?: string;
  author?: string;
  created_at?: string;
  kind?: "survey";
  files?: FileInfo[];
}

interface Ack {
  ok: boolean;
  id?: number;
  created_at?: string;
  notice?: Notice;
  error?: { code: string; message?: string; retry_after_s?: number };
}

const params = new URLSearchParams(window.location.search);
let socket: Socket | null = null;
const pending = new Map<string, Outgoing>(); // client id -> message, in the order sent
const refused = new Map<string, Outgoing>(); // shown id -> a message the hub refused, for "Send again"
let sessionReady: Promise<void> | null = null;

export function fromWire(m: Wire): ChatMessage {
  return {
    id: `s-${m.id}`,
    serverId: m.id,
    direction: m.direction,
    text: m.text,
    html: m.html,
    author: m.author,
    createdAt: m.created_at ?? new Date().toISOString(),
    status: m.direction === "inbound" ? "delivered" : undefined,
    kind: m.kind,
    files: m.files,
  };
}

function saveOutbox(): void {
  save(OUTBOX, JSON.stringify([...pending.values()]));
}

/** The visitor's token once the hub named it (uploads need it). */
export function token(): string | null {
  return load(TOKEN);
}

export function isStarted(): boolean {
  return socket !== null;
}

/** Connect (once): resumes the visitor's chat when the browser has its token. */
export function start(profile: Record<string, string> | null): Promise<void> {
  if (sessionReady) return sessionReady;
  const auth: Record<string, string | null> = { visitor_token: load(TOKEN) };
  for (const k of ["name", "email", "identifier", "identifier_hash"]) {
    const v = profile?.[k];
    if (v) auth[k] = v;
  }
  const topic = params.get("topic");
  if (topic) auth.topic = topic;
  if (boot.widget !== "default" || params.get("widget")) auth.widget = params.get("widget") ?? boot.widget;
  started.value = true;
  connection.value = "connecting";
  const s = io("/visitor", { transports: ["websocket", "polling"], auth, ackTimeout: 10000, retries: Infinity });
  socket = s;
  let resent = false;
  sessionReady = new Promise((ready) => {
    s.on("session", (session: { visitor_token: string; messages: Wire[] }) => {
      save(TOKEN, session.visitor_token);
      (s.auth as Record<string, string | null>).visitor_token = session.visitor_token;
      const stillGoing = messages.value.filter((m) => m.id.startsWith("c-") && m.status !== "failed");
      messages.value = [...session.messages.map(fromWire), ...stillGoing];
      if (!resent) {
        resent = true; // what an earlier page sent and never saw acknowledged
        for (const item of savedOutbox()) if (!pending.has(item.id)) queue(item);
      }
      ready();
    });
  });
  s.on("message", (m: Wire) => {
    agentTyping.value = null;
    notice.value = null; // an agent is here: "nobody online" or "still looking" no longer holds
    upsert(fromWire(m));
  });
  s.on("typing", (e: { who: string; typing: boolean }) => {
    if (e.who === "agent") agentTyping.value = e.typing ? lastAgent() : null;
  });
  s.on("read", (e: { up_to: number }) => markRead(e.up_to));
  s.on("notice", (n: Notice) => (notice.value = n));
  s.on("error", (e: Ack["error"]) => (problem.value = errorText(e)));
  s.on("connect", () => {
    connection.value = "online";
    problem.value = "";
    for (const id of pending.keys()) {
      const shown = messages.value.find((m) => m.id === `c-${id}`);
      if (shown?.status === "sending") update(shown.id, { status: "sent" });
    }
  });
  s.on("connect_error", () => (connection.value = "offline"));
  s.on("disconnect", () => (connection.value = "offline"));
  s.on("server_restarting", () => (connection.value = "offline"));
  return sessionReady;
}

function emit(item: Outgoing): void {
  if (!socket) return;
  const payload: Record<string, unknown> = { text: item.text, client_id: item.id };
  if (item.files?.length) payload.files = item.files.map((f) => ({ key: f.key, name: f.name }));
  const shownId = `c-${item.id}`;
  // Queued by socket.io (retries): one message at a time, sent again until the hub acknowledges it.
  socket.emit("message", payload, (err: Error | null, ack?: Ack) => {
    pending.delete(item.id);
    saveOutbox();
    if (err || !ack || !ack.ok) {
      refused.set(shownId, item);
      update(shownId, { status: "failed" });
      if (item.text.trim()) returned.value = item.text; // kept for them to send later
      problem.value = err || !ack ? t("Not sent, please try again.") : errorText(ack.error);
      return;
    }
    const stored = `s-${ack.id}`;
    if (messages.value.some((m) => m.id === stored)) {
      remove(shownId); // stored before the connection dropped: the history already shows it
    } else {
      update(shownId, { id: stored, serverId: ack.id, status: "delivered", createdAt: ack.created_at ?? "" });
    }
    if (ack.notice) notice.value = ack.notice;
  });
}

/** Show and send one message (what the visitor wrote, the files they uploaded). */
export function queue(item: Outgoing, shown?: Partial<ChatMessage>): void {
  const existing = messages.value.find((m) => m.id === `c-${item.id}`);
  upsert({
    id: `c-${item.id}`,
    direction: "inbound",
    text: item.text,
    createdAt: existing?.createdAt ?? new Date().toISOString(),
    files: existing?.files ?? item.files?.map((f) => ({ name: f.name, type: f.type, size: f.size })),
    ...shown,
    status: socket?.connected ? "sent" : "sending",
  });
  pending.set(item.id, item);
  saveOutbox();
  emit(item);
}

/** Send a refused message again (a new client id: the hub stored nothing of the first try). */
export function retry(shownId: string): void {
  const item = refused.get(shownId);
  if (!item) return;
  refused.delete(shownId);
  const shown = messages.value.find((m) => m.id === shownId);
  remove(shownId);
  problem.value = "";
  queue({ ...item, id: newId() }, { files: shown?.files, kind: shown?.kind });
}

/** Whether "Send again" can work for this message (this page still has it). */
export function canRetry(shownId: string): boolean {
  return refused.has(shownId);
}

export function newMessage(text: string, files?: FileRef[]): Outgoing {
  return { id: newId(), text, files };
}

export function sendTyping(typing: boolean): void {
  socket?.volatile.emit("typing", { typing });
}
