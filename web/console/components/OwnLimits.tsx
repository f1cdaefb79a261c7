/** How many conversations at a time the agent takes on each channel today: never more than allowed. */
import { useState } from "preact/hooks";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { boot } from "../boot";
import { channelName } from "../labels";
import { errorText } from "../errors";

export function OwnLimits() {
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  if (!boot.limits.length) return null;
  const save = (form: HTMLFormElement) => {
    const body: Record<string, number> = {};
    for (const input of Array.from(form.querySelectorAll("input"))) {
      if (input.value !== input.max) body[input.name] = Number(input.value);
    }
    api("PUT", "/api/v1/agents/me/limits", body)
      .then(() => setMsg({ ok: true, text: t("Saved") }))
      .catch((err: unknown) => setMsg({ ok: false, text: errorText(err) }));
  };
  return (
    <details class="own-limits">
      <summary>{t("My capacity")}</summary>
      <form id="own-limits" aria-label={t("My capacity")} onChange={(e) => save(e.currentTarget)} onSubmit={(e) => e.preventDefault()}>
        {boot.limits.map((l) => (
          <label key={l.channel}>
            {channelName(l.channel)}{" "}
            <input type="number" name={l.channel} min="0" max={String(l.max)} defaultValue={String(l.current)} size={2} />
          </label>
        ))}
        <span id="limits-msg" role="status" class={msg ? (msg.ok ? "ok" : "error") : ""}>
          {msg?.text}
        </span>
      </form>
    </details>
  );
}
