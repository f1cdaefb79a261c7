/** What calls for the agent's attention: offers with their countdown, the away notice after a missed offer,
 * and the notification list (mentions, transfers to or from them, SLA warnings), with a sound on a new offer or a
 * customer's message on their own work, and desktop notifications when they opted in. Both settings are kept on
 * the agent's account (GET/PATCH /api/v1/me/preferences); this browser remembers the last ones it saw, for when
 * the hub cannot be reached. */
import { computed, effect, signal, untracked, type Signal } from "@preact/signals";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { boot } from "./boot";
import { ask, on } from "./live";
import { errorText } from "./errors";
import { due } from "./order";
import { mentioned, now, onTicketChange, tickets } from "./store";
import type { Interaction, Notice, Offer, Ticket } from "./types";

export const offers = signal<Offer[]>([]);
export const presence = signal("available");
export const awayAfterMiss = signal(false);
export const notices = signal<Notice[]>(readNotices());
export const unseenNotices = computed(() => notices.value.filter((n) => !n.read).length);
export const soundOn = signal(localStorage.getItem("hub.sound") !== "off");
/** The agent opted in to desktop notifications (on their account); the browser's permission is `desktop`. */
export const desktopWanted = signal(localStorage.getItem("hub.desktop") === "on");
export const desktop = signal<NotificationPermission | "unsupported">(
  "Notification" in window ? Notification.permission : "unsupported",
);
/** Why the last change of a setting was refused, in the agent's language ("" when it was kept). */
export const preferenceError = signal("");

interface Preferences {
  sound: boolean;
  desktop_notifications: boolean;
}
type Setting = keyof Preferences;
const SHOWN: Record<Setting, Signal<boolean>> = { sound: soundOn, desktop_notifications: desktopWanted };
const CACHED: Record<Setting, string> = { sound: "hub.sound", desktop_notifications: "hub.desktop" };

const SLA_WARN_MS = 10 * 60 * 1000;
const warned = new Set<number>();

function noticesKey(): string {
  return `hub.notices.${boot.me.agent_id ?? "x"}`;
}

function readNotices(): Notice[] {
  try {
    return JSON.parse(localStorage.getItem(noticesKey()) ?? "[]") as Notice[];
  } catch {
    return [];
  }
}

function keep(list: Notice[]): void {
  notices.value = list.slice(0, 50);
  localStorage.setItem(noticesKey(), JSON.stringify(notices.value));
  mentioned.value = new Set(notices.value.filter((n) => n.kind === "mention").map((n) => n.ticket_id));
}

function add(n: Omit<Notice, "id" | "at" | "read">, title: string): void {
  keep([{ ...n, id: `${n.kind}-${n.ticket_id}-${Date.now()}`, at: new Date().toISOString(), read: false }, ...notices.value]);
  tellDesktop(title, n.text ?? n.subject);
}

export function markAllRead(): void {
  keep(notices.value.map((n) => ({ ...n, read: true })));
}

function show(name: Setting, on: boolean): void {
  SHOWN[name].value = on;
  localStorage.setItem(CACHED[name], on ? "on" : "off");
}

/** The account's settings, read once the workspace starts; offline, the ones this browser saw last stay. */
async function loadPreferences(): Promise<void> {
  if (boot.me.agent_id === null) return;
  try {
    const { preferences } = await api<{ preferences: Preferences }>("GET", "/api/v1/me/preferences");
    show("sound", preferences.sound);
    show("desktop_notifications", preferences.desktop_notifications);
  } catch {
    /* the hub cannot be reached: the last settings this browser saw stay */
  }
}

/** Shown at once, kept on the account; a refusal puts the setting back and says why. */
async function save(name: Setting, on: boolean): Promise<void> {
  const before = SHOWN[name].value;
  show(name, on);
  preferenceError.value = "";
  try {
    const { preferences } = await api<{ preferences: Preferences }>("PATCH", "/api/v1/me/preferences", { [name]: on });
    show(name, preferences[name]);
  } catch (err) {
    show(name, before);
    preferenceError.value = errorText(err);
  }
}

export function setSound(onOff: boolean): Promise<void> {
  return save("sound", onOff);
}

/** Opting in asks this browser's permission too, the first time; opting out needs no permission. */
export async function setDesktop(onOff: boolean): Promise<void> {
  if (onOff && "Notification" in window && Notification.permission === "default") {
    desktop.value = await Notification.requestPermission();
  }
  await save("desktop_notifications", onOff);
}

function tellDesktop(title: string, body: string): void {
  if (desktopWanted.value && desktop.value === "granted" && document.hidden) new Notification(title, { body, tag: title });
}

/** A short two-tone chime, made on the spot (no audio file to fetch). */
function chime(): void {
  if (!soundOn.value) return;
  try {
    const audio = new AudioContext();
    [660, 880].forEach((freq, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.08, audio.currentTime + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + i * 0.15 + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + i * 0.15);
      osc.stop(audio.currentTime + i * 0.15 + 0.3);
    });
  } catch {
    /* no audio output: the offer card still shows */
  }
}

export function dropOffer(ticketId: number): void {
  offers.value = offers.value.filter((o) => o.ticket.id !== ticketId);
}

export async function answerOffer(ticketId: number, accept: boolean): Promise<boolean> {
  try {
    await api("POST", `/api/v1/tickets/${ticketId}/offer`, { accept });
    dropOffer(ticketId);
    return true;
  } catch (err) {
    offers.value = offers.value.map((o) => (o.ticket.id === ticketId ? { ...o, error: errorText(err) } : o));
    return false;
  }
}

export async function setPresence(status: string): Promise<void> {
  const ack = await ask<{ ok: boolean; status?: string }>("status", { status });
  if (ack?.ok && ack.status) {
    presence.value = ack.status;
    if (ack.status === "available") awayAfterMiss.value = false;
  }
}

function onTicketMoved(before: Ticket | undefined, after: Ticket): void {
  const me = boot.me.agent_id;
  // A ticket from outside the agent's queues (a supervisor's reassignment from the wallboard) arrives with no
  // `before`: a person's assignment (no routing `state`; routing's offers have their own card) is news too.
  const handed = !before && me !== null && after.assignee_id === me && !("state" in (after.assignment ?? {}));
  if (handed) {
    add({ kind: "assigned", ticket_id: after.id, subject: after.subject }, t("Assigned to you: #%(id)s", { id: after.id }));
    return;
  }
  if (!before || me === null || before.assignee_id === after.assignee_id) return;
  if (after.assignee_id === me && !offers.value.some((o) => o.ticket.id === after.id)) {
    add({ kind: "assigned", ticket_id: after.id, subject: after.subject }, t("Assigned to you: #%(id)s", { id: after.id }));
  } else if (before.assignee_id === me) {
    add({ kind: "unassigned", ticket_id: after.id, subject: after.subject }, t("Moved away from you: #%(id)s", { id: after.id }));
  }
}

/** Run whenever the agent's tickets or the clock change: a ticket assigned with little time left warns at once. */
function checkSla(): void {
  const me = boot.me.agent_id;
  for (const tk of tickets.value.values()) {
    if (tk.assignee_id !== me || warned.has(tk.id) || tk.status === "pending") continue;
    if (due(tk) - now.value < SLA_WARN_MS) {
      warned.add(tk.id);
      untracked(() => add({ kind: "sla", ticket_id: tk.id, subject: tk.subject }, t("First answer due soon: #%(id)s", { id: tk.id })));
    }
  }
}

export function startNotices(): void {
  void loadPreferences();
  mentioned.value = new Set(notices.value.filter((n) => n.kind === "mention").map((n) => n.ticket_id));
  for (const n of notices.value) if (n.kind === "sla") warned.add(n.ticket_id); // warned before a reload: once is enough
  on("hello", (h) => {
    if (h.status && h.status !== "offline") presence.value = h.status as string;
  });
  on("presence", (p) => {
    if (p.agent_id !== undefined && p.agent_id !== boot.me.agent_id) return;
    if (p.status !== "offline") presence.value = p.status as string;
    // An offer that passed unanswered makes the hub set the agent away: say so, and let them come back.
    awayAfterMiss.value = p.status === "away" && p.reason === "missed_offer";
  });
  on("offer", (o) => {
    const offer = o as unknown as Offer;
    if (offers.value.some((x) => x.ticket.id === offer.ticket.id)) return;
    offers.value = [...offers.value, offer];
    chime();
    tellDesktop(t("New conversation offered"), `#${offer.ticket.id} ${offer.ticket.subject}`);
  });
  on("mention", (m) => {
    const tk = m.ticket as Ticket;
    const by = String(m.by ?? "");
    add({ kind: "mention", ticket_id: tk.id, subject: tk.subject, by, text: String(m.text ?? "") },
      t("%(name)s mentioned you on #%(id)s", { name: by, id: tk.id }));
  });
  on("message", (e) => {
    const tk = e.ticket as Ticket;
    const m = e.interaction as Interaction | undefined;
    // The customer wrote on the agent's own ticket: worth a sound unless they are reading that ticket now.
    if (m?.direction !== "inbound" || tk.assignee_id !== boot.me.agent_id || boot.me.agent_id === null) return;
    if (document.hidden || !window.location.pathname.endsWith(`/tickets/${tk.id}`)) chime();
  });
  onTicketChange(onTicketMoved);
  effect(checkSla);
}
