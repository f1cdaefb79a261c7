/** The composer's toolbar: Markdown marks on the selection (bold, italic, lists, link, quote, code, with Ctrl+B/I/K),
 * emoji and macros. Each button names itself and its shortcut; the reply goes to each channel as it can show it. */
import { Bold, Code, Italic, Link, List, ListOrdered, Quote } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { t } from "../../shared/i18n";
import type { Mark } from "../markdown";
import type { Macro } from "../types";
import { EmojiPicker } from "./EmojiPicker";
import { MacroMenu } from "./MacroMenu";

const MARKS: { mark: Mark; name: string; key?: string; icon: ComponentChildren }[] = [
  { mark: "bold", name: "Bold", key: "B", icon: <Bold size={16} aria-hidden="true" /> },
  { mark: "italic", name: "Italic", key: "I", icon: <Italic size={16} aria-hidden="true" /> },
  { mark: "list", name: "Bulleted list", icon: <List size={16} aria-hidden="true" /> },
  { mark: "numbered", name: "Numbered list", icon: <ListOrdered size={16} aria-hidden="true" /> },
  { mark: "link", name: "Link", key: "K", icon: <Link size={16} aria-hidden="true" /> },
  { mark: "quote", name: "Quote", icon: <Quote size={16} aria-hidden="true" /> },
  { mark: "code", name: "Code", icon: <Code size={16} aria-hidden="true" /> },
];

/** The mark a key press asks for (Ctrl or ⌘ with B, I or K), if any. */
export function shortcutMark(e: KeyboardEvent): Mark | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return null;
  const hit = MARKS.find((m) => m.key && m.key.toLowerCase() === e.key.toLowerCase());
  return hit ? hit.mark : null;
}

interface Props {
  onMark: (mark: Mark) => void;
  onInsert: (text: string) => void;
  macros: Macro[] | null; // null: no macros here (an internal note)
  onMacro: (m: Macro) => void;
}

export function ComposerToolbar({ onMark, onInsert, macros, onMacro }: Props) {
  return (
    <div
      class="composer-toolbar"
      role="toolbar"
      aria-label={t("Formatting")}
      onKeyDown={(e) => {
        // Arrows move along the toolbar's buttons (as a toolbar does); Tab still reaches each one too.
        if ((e.key !== "ArrowRight" && e.key !== "ArrowLeft") || !(e.target instanceof HTMLButtonElement)) return;
        const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>(":scope > .marks > button, :scope > div > button")];
        const at = buttons.indexOf(e.target);
        if (at < 0) return;
        e.preventDefault();
        buttons[(at + (e.key === "ArrowRight" ? 1 : -1) + buttons.length) % buttons.length]?.focus();
      }}
    >
      <span class="marks">
        {MARKS.map((m) => {
          const name = t(m.name);
          const tip = m.key ? `${name} (Ctrl+${m.key})` : name;
          return (
            <button
              key={m.mark}
              type="button"
              class="icon-button"
              data-mark={m.mark}
              aria-label={name}
              aria-keyshortcuts={m.key ? `Control+${m.key}` : undefined}
              title={tip}
              // Keep the textarea's selection: a click would otherwise move focus (and, on touch, drop the range).
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => onMark(m.mark)}
            >
              {m.icon}
            </button>
          );
        })}
      </span>
      <span class="toolbar-sep" aria-hidden="true" />
      <EmojiPicker onPick={onInsert} />
      {macros && <MacroMenu macros={macros} onPick={onMacro} />}
    </div>
  );
}
