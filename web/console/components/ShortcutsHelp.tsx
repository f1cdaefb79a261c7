/** The keyboard shortcuts, opened with `?`. */
import { signal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../../shared/i18n";

export const helpOpen = signal(false);

const KEYS: [string, string][] = [
  ["j / k", "Next / previous conversation"],
  ["n", "Next ticket"],
  ["r", "Reply"],
  ["a", "Accept offer"],
  ["b", "Back to available after a missed offer"],
  ["/", "Search"],
  ["Ctrl+Enter", "Send"],
  ["?", "This help"],
];

export function ShortcutsHelp() {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (helpOpen.value && !d.open) d.showModal();
    if (!helpOpen.value && d.open) d.close();
  });
  return (
    <dialog id="shortcuts" ref={dialog} aria-labelledby="shortcuts-title" onClose={() => (helpOpen.value = false)}>
      <h2 id="shortcuts-title">{t("Keyboard shortcuts")}</h2>
      <dl>
        {KEYS.map(([key, what]) => (
          <div key={key} class="shortcut">
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{t(what)}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit">{t("Close")}</button>
      </form>
    </dialog>
  );
}
