/** The /agent socket for the supervisor pages: connection state as a signal, pushed events by name (a batch
 *  unpacked, an event with an id handled once), and a `connect` event on every (re)connection. */
import { signal } from "@preact/signals";
import { io, type Socket } from "socket.io-client";

type Handler = (payload: Record<string, unknown>) => void;

export const connection = signal<"connecting" | "live" | "offline">("connecting");

const handlers = new Map<string, Handler[]>();
const seen = new Set<unknown>();
let socket: Socket | null = null;

export function on(name: string, fn: Handler): void {
  handlers.set(name, [...(handlers.get(name) ?? []), fn]);
}

function dispatch(name: string, payload: Record<string, unknown>): void {
  const eid = payload?.eid;
  if (eid) {
    if (seen.has(eid)) return;
    seen.add(eid);
    if (seen.size > 5000) seen.clear();
  }
  for (const fn of handlers.get(name) ?? []) fn(payload);
}

export function connect(): Socket {
  if (socket) return socket;
  const s = io("/agent", { transports: ["websocket"] });
  socket = s;
  s.onAny((name: string, payload: unknown) => {
    if (name === "batch") for (const [n, p] of payload as [string, Record<string, unknown>][]) dispatch(n, p);
    else dispatch(name, payload as Record<string, unknown>);
  });
  s.on("connect", () => {
    connection.value = "live";
    dispatch("connect", {});
  });
  s.on("disconnect", () => (connection.value = "offline"));
  s.on("server_restarting", () => (connection.value = "offline"));
  s.on("connect_error", () => (connection.value = "offline"));
  // Access ended (signed out elsewhere, session revoked): to sign-in, which says why and comes back here.
  s.on("signed_out", () => {
    connection.value = "offline";
    const back = window.location.pathname + window.location.search;
    window.location.assign(`/login?signed_out=1&next=${encodeURIComponent(back)}`);
  });
  return s;
}
