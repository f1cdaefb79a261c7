/** The composer's emoji picker: a search box (English or Chinese names) over a grid of common emoji, used with the
 * mouse or the keyboard alone (arrows move, Enter picks, Escape closes and gives focus back to the button). */
import { Smile } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { lang, t } from "../../shared/i18n";
import { emojiName, findEmoji } from "../emoji";

const COLUMNS = 8;

export function EmojiPicker({ onPick }: { onPick: (char: string) => void }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const trigger = useRef<HTMLButtonElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) search.current?.focus();
  }, [open]);
  const found = findEmoji(query);
  const close = () => {
    setOpen(false);
    setQuery("");
    trigger.current?.focus();
  };
  const cell = (i: number) => grid.current?.querySelectorAll<HTMLButtonElement>("button")[i];
  const move = (e: KeyboardEvent, at: number) => {
    const by: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS, Home: -at, End: found.length - 1 - at };
    const step = by[e.key];
    if (step === undefined) return;
    e.preventDefault();
    if (at + step < 0 && e.key === "ArrowUp") search.current?.focus(); // up from the first row: back to the search
    else cell(Math.min(found.length - 1, Math.max(0, at + step)))?.focus();
  };
  return (
    <div
      class="emoji"
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
        id="emoji-button"
        class="icon-button"
        aria-label={t("Emoji")}
        title={t("Emoji")}
        aria-expanded={open}
        aria-controls="emoji-picker"
        onClick={() => (open ? close() : setOpen(true))}
      >
        <Smile size={16} aria-hidden="true" />
      </button>
      {open && (
        <div id="emoji-picker" class="popover emoji-picker" role="dialog" aria-label={t("Emoji")}>
          <input
            ref={search}
            type="search"
            class="emoji-search"
            value={query}
            aria-label={t("Search emoji (English or Chinese name)")}
            placeholder={t("Search emoji")}
            onInput={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "ArrowDown") {
                e.preventDefault();
                cell(0)?.focus();
              } else if (e.key === "Enter") {
                e.preventDefault();
                const first = found[0];
                if (first) {
                  onPick(first.char);
                  close();
                }
              }
            }}
          />
          <div ref={grid} class="emoji-grid" role="group" aria-label={t("Emoji")}>
            {found.map((e, i) => {
              const name = emojiName(e, lang);
              return (
                <button key={e.char} type="button" class="emoji-cell" aria-label={name} title={name} tabIndex={i === 0 ? 0 : -1} onKeyDown={(ev) => move(ev, i)} onClick={() => (onPick(e.char), close())}>
                  {e.char}
                </button>
              );
            })}
          </div>
          {found.length === 0 && <p class="muted emoji-none">{t("No emoji by that name.")}</p>}
        </div>
      )}
    </div>
  );
}
