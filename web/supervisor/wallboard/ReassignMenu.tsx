/** One click to give a ticket to another agent: a menu of agents, those available and least loaded first;
 *  choosing one assigns it (PATCH /api/v1/tickets/{id}); the agent hears of it in their workspace. */
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { boot } from "../boot";
import { num } from "../format";
import { valueName } from "../labels";
import { assign } from "./actions";
import { board } from "./store";
import type { TicketRow } from "./types";

const RANK: Record<string, number> = { available: 0, "wrap-up": 1, busy: 2, away: 3 };

function candidates(ticket: TicketRow) {
  const online = new Map((board.value?.staff ?? []).map((a) => [a.id, a]));
  return boot.agents
    .filter((a) => a.id !== ticket.assignee_id)
    .map((a) => ({ ...a, staff: online.get(a.id) }))
    .sort((a, b) => {
      const ra = a.staff ? (RANK[a.staff.status] ?? 4) : 5;
      const rb = b.staff ? (RANK[b.staff.status] ?? 4) : 5;
      return ra - rb || (a.staff?.occupancy ?? 1) - (b.staff?.occupancy ?? 1) || a.name.localeCompare(b.name);
    });
}

export function ReassignMenu({ ticket, label }: { ticket: TicketRow; label: string }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const menuId = `assign-${ticket.id}`;
  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLButtonElement>("[role=menuitem]")?.focus();
    const away = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", away);
    return () => document.removeEventListener("mousedown", away);
  }, [open]);
  const close = () => {
    setOpen(false);
    root.current?.querySelector<HTMLButtonElement>("button.assign-toggle")?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const items = [...(root.current?.querySelectorAll<HTMLButtonElement>("[role=menuitem]") ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === "Escape") {
      e.preventDefault();
      close();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    }
  };
  return (
    <div class="assign" ref={root} onKeyDown={onKey}>
      <button type="button" class="button assign-toggle" aria-haspopup="menu" aria-expanded={open} aria-controls={menuId}
        onClick={() => setOpen(!open)} aria-label={`${label} #${ticket.id}`}>
        {label}
      </button>
      {open && (
        <div class="assign-menu" id={menuId} role="menu" aria-label={`${label} #${ticket.id}`}>
          {candidates(ticket).map((a) => (
            <button key={a.id} type="button" role="menuitem" data-agent={a.id}
              onClick={() => {
                setOpen(false);
                void assign(ticket, a.id, a.name);
              }}>
              <span class={`dot state-${a.staff?.status ?? "offline"}`} aria-hidden="true" />
              <span class="assign-name">{a.name}</span>
              <span class="muted">
                {a.staff
                  ? `${valueName(a.staff.status)} · ${t("%(load)s of %(capacity)s", { load: num(a.staff.load), capacity: num(a.staff.capacity) })}`
                  : valueName("offline")}
              </span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
