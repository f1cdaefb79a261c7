/** Who the visitor is (optional, as the website configured): the chat starts with it, or with their first message. */
import { boot, t } from "../boot";

const LABELS: Record<string, () => string> = { name: () => t("Name"), email: () => t("Email") };
const TYPES: Record<string, string> = { name: "text", email: "email" };
const LIMITS: Record<string, number> = { name: 100, email: 320 };

export function Prechat({ onStart }: { onStart: (profile: Record<string, string>) => void }) {
  const fields = boot.branding.prechat;
  function submit(ev: Event): void {
    ev.preventDefault();
    onStart(readPrechat());
  }
  return (
    <form id="prechat" class="prechat" onSubmit={submit} aria-labelledby="prechat-intro">
      <p id="prechat-intro">{t("Tell us who you are (optional), or just write below.")}</p>
      {fields.map((name) => (
        <label key={name}>
          <span>{LABELS[name]?.() ?? name}</span>
          <input name={name} type={TYPES[name] ?? "text"} maxLength={LIMITS[name] ?? 100} autoComplete={name} />
        </label>
      ))}
      <button type="submit" class="primary">
        {t("Start chat")}
      </button>
    </form>
  );
}

/** What the form says so far (a first message starts the chat with it too). */
export function readPrechat(): Record<string, string> {
  const form = document.getElementById("prechat");
  const profile: Record<string, string> = {};
  if (!(form instanceof HTMLFormElement)) return profile;
  for (const name of boot.branding.prechat) {
    const input = form.elements.namedItem(name);
    if (input instanceof HTMLInputElement && input.value.trim()) profile[name] = input.value.trim();
  }
  return profile;
}
