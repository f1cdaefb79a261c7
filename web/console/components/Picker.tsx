/** A short list to pick from under the composer: colleagues for @mentions, canned responses for `/` or `#`. */
export interface Choice {
  id: string;
  label: string;
  hint?: string;
}

export function Picker({ id, choices, onPick, label }: { id: string; choices: Choice[]; onPick: (c: Choice) => void; label: string }) {
  return (
    <ul id={id} class="mention-pick" role="listbox" aria-label={label}>
      {choices.map((c) => (
        <li
          key={c.id}
          role="option"
          aria-selected="false"
          tabIndex={0}
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(c);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              onPick(c);
            }
            // Arrows walk the list (the composer's ArrowDown lands on the first choice); Escape goes back to writing.
            const li = e.currentTarget;
            const to = e.key === "ArrowDown" ? li.nextElementSibling : e.key === "ArrowUp" ? li.previousElementSibling : null;
            if (to instanceof HTMLElement) {
              e.preventDefault();
              to.focus();
            }
            if (e.key === "Escape") li.closest("form")?.querySelector("textarea")?.focus();
          }}
        >
          <strong>{c.label}</strong>
          {c.hint && <span class="muted"> {c.hint}</span>}
        </li>
      ))}
    </ul>
  );
}
