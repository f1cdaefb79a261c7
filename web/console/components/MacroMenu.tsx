/** The composer's macro menu: every macro the agent may use (shared and their own), found by title; picking one
 * fills its placeholders for this ticket, runs its actions (status, tags) and puts its text at the caret. */
import { Zap } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import type { Macro } from "../types";

export function MacroMenu({ macros, onPick }: { macros: Macro[]; onPick: (m: Macro) => void }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const trigger = useRef<HTMLButtonElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (open) search.current?.focus();
  }, [open]);
  const w = query.trim().toLowerCase();
  const found = macros.filter((m) => !w || m.title.toLowerCase().includes(w) || m.body.toLowerCase().includes(w));
  const close = () => {
    setOpen(false);
    setQuery("");
    trigger.current?.focus();
  };
  const item = (i: number) => list.current?.querySelectorAll<HTMLButtonElement>("button")[i];
  const move = (e: KeyboardEvent, at: number) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const next = at + (e.key === "ArrowDown" ? 1 : -1);
    if (next < 0) search.current?.focus();
    else item(Math.min(found.length - 1, next))?.focus();
  };
  return (
    <div
      class="macro-menu"
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}
    >
      <button
        type="button"
        ref={trigger}
        id="macro-button"
        class="icon-button labelled"
        title={t("Macros: canned text and actions")}
        aria-expanded={open}
        aria-controls="macro-menu"
        onClick={() => (open ? close() : setOpen(true))}
      >
        <Zap size={16} aria-hidden="true" /> <span class="label">{t("Macros")}</span>
      </button>
      {open && (
        <div id="macro-menu" class="popover macro-popover" role="dialog" aria-label={t("Macros")}>
          <input
            ref={search}
            type="search"
            value={query}
            aria-label={t("Find a macro")}
            placeholder={t("Find a macro")}
            onInput={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "ArrowDown") {
                e.preventDefault();
                item(0)?.focus();
              } else if (e.key === "Enter") {
                e.preventDefault();
                const first = found[0];
                if (first) {
                  onPick(first);
                  close();
                }
              }
            }}
          />
          {found.length > 0 ? (
            <ul ref={list} class="macro-list">
              {found.map((m, i) => (
                <li key={m.id}>
                  <button type="button" data-macro={m.id} onKeyDown={(e) => move(e, i)} onClick={() => (onPick(m), close())}>
                    <strong>{m.title}</strong>
                    <span class="muted">{m.body.slice(0, 80)}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{macros.length ? t("No macro by that name.") : t("No macros yet: supervisors share them, and you can keep your own.")}</p>
          )}
        </div>
      )}
    </div>
  );
}
