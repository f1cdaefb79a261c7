/** The wallboard's one store: the newest figures (REST on every (re)connect, then each `queue_stats` push),
 *  and a clock ticking once a second for the times shown (time in state, waits). */
import { computed, signal } from "@preact/signals";
import { api } from "../../shared/api";
import { connect, on } from "../live";
import type { Board } from "./types";

export const board = signal<Board | null>(null);
export const loadError = signal("");
export const now = signal(Date.now());

function show(b: Board): void {
  const current = board.value;
  if (current && Date.parse(b.at) < Date.parse(current.at)) return; // an older count that arrived late
  board.value = b;
  loadError.value = "";
}

export async function resync(): Promise<void> {
  try {
    show(await api<Board>("GET", "/api/v1/console/wallboard"));
  } catch (err) {
    loadError.value = (err as Error).message;
  }
}

export const totals = computed(() => {
  const b = board.value;
  const queues = b?.queues ?? [];
  const sum = (f: (q: (typeof queues)[number]) => number) => queues.reduce((n, q) => n + f(q), 0);
  const counted = sum((q) => q.service_level_counted);
  const inTime = sum((q) => (q.service_level ?? 0) * q.service_level_counted);
  return {
    waiting: sum((q) => q.waiting),
    longest: queues.reduce((m, q) => Math.max(m, q.longest_wait_s), 0),
    atRisk: sum((q) => q.sla_at_risk),
    breached: sum((q) => q.sla_breached),
    answered: sum((q) => q.answered_today ?? 0),
    serviceLevel: counted ? inTime / counted : null,
  };
});

/** A wait the server measured at the figures' time, grown by the seconds since (it ticks between pushes). */
export function waitedSince(seconds: number): number {
  const at = board.value ? Date.parse(board.value.at) : now.value;
  return seconds + Math.max(0, (now.value - at) / 1000);
}

export function startWallboard(): void {
  on("connect", () => void resync()); // first load and every reconnect: the pushes missed meanwhile
  on("queue_stats", (p) => show(p as unknown as Board));
  connect();
  window.setInterval(() => (now.value = Date.now()), 1000);
}
