/** The /agent socket: one per page, each event handled once (the feed batches events and an event may come
 * through two of the socket's rooms; its id tells), the connection state as a signal. */
import { signal } from "@preact/signals";
import { io, type Socket } from "socket.io-client";

type Handler = (payload: Record<string, unknown>) => void;

export const connection = signal<"connecting" | "live" | "offline">("connecting");
export const reconnecting = signal(false);

const handlers = new Map<string, Handler[]>();
const seen = new Set<unknown>();
const seenOrder: unknown[] = [];
let socket: Socket | null = null;

export function on(name: string, fn: Handler): void {
  handlers.set(name, [...(handlers.get(name) ?? []), fn]);
}

function dispatch(name: string, payload: Record<string, unknown>): void {
  const eid = payload?.eid;
  if (eid) {
    if (seen.has(eid)) return;
    seen.add(eid);
    seenOrder.push(eid);
    if (seenOrder.length > 5000) seen.delete(seenOrder.shift());
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
  s.on("disconnect", () => {
    connection.value = "offline";
    reconnecting.value = true;
  });
  // The server is stopping (a deploy, a restart): socket.io reconnects, behind a balancer to another process.
  s.on("server_restarting", () => {
    connection.value = "offline";
    reconnecting.value = true;
  });
  s.on("connect_error", () => {
    connection.value = "offline";
    reconnecting.value = false;
  });
  // Access ended (signed out elsewhere, session revoked, account deactivated): the server closed this socket for
  // good. To sign-in, which says why and comes back here.
  s.on("signed_out", () => {
    connection.value = "offline";
    const back = window.location.pathname + window.location.search;
    window.location.assign(`/login?signed_out=1&next=${encodeURIComponent(back)}`);
  });
  return s;
}

/** Emit with an acknowledgement, as a promise. */
export function ask<T>(name: string, payload: unknown): Promise<T> {
  return new Promise((resolve) => connect().emit(name, payload, (ack: T) => resolve(ack)));
}
