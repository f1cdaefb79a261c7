/** Keyboard shortcuts: single keys, never while typing in a field. */
import { focusSearch } from "./components/SearchBox";
import { helpOpen } from "./components/ShortcutsHelp";
import { openId } from "./conversation";
import { offers, awayAfterMiss, answerOffer, setPresence } from "./notices";
import { byUrgency } from "./order";
import { navigate } from "./router";
import { listed, scope, tickets } from "./store";

/** The next ticket to answer, in the order the inbox shows (mine first, then my queues'). */
function nextToAnswer(): number | null {
  const open = [...tickets.value.values()].filter((t) => t.id !== openId.value && t.status !== "pending");
  const mine = open.filter((t) => t.assignee_id === scope.value.me);
  const next = (mine.length ? mine : open).sort(byUrgency(Date.now()))[0];
  return next ? next.id : null;
}

function step(by: number): void {
  const rows = listed.value;
  if (!rows.length) return;
  const at = rows.findIndex((t) => t.id === openId.value);
  const next = rows[Math.min(rows.length - 1, Math.max(0, at < 0 ? 0 : at + by))];
  if (next) navigate(next.id);
}

const KEYS: Record<string, () => void> = {
  "?": () => (helpOpen.value = true),
  "/": focusSearch,
  j: () => step(1),
  k: () => step(-1),
  n: () => {
    // In the list, the first row is what must be answered next; on a ticket, the next one after it.
    const id = openId.value === null ? (listed.value[0]?.id ?? null) : nextToAnswer();
    if (id !== null) navigate(id);
  },
  r: () => document.querySelector<HTMLTextAreaElement>("#reply textarea")?.focus(),
  a: () => {
    const first = offers.value[0];
    if (first) void answerOffer(first.ticket.id, true).then((ok) => ok && navigate(first.ticket.id));
  },
  b: () => {
    if (awayAfterMiss.value) void setPresence("available");
  },
};

export function startKeys(): void {
  document.addEventListener("keydown", (ev) => {
    const target = ev.target as HTMLElement | null;
    const tag = target?.tagName ?? "";
    if (ev.ctrlKey || ev.metaKey || ev.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(tag) || target?.isContentEditable) return;
    if (document.querySelector("dialog[open]") && ev.key !== "?") return;
    const fn = KEYS[ev.key];
    if (fn) {
      ev.preventDefault();
      fn();
    }
  });
}
