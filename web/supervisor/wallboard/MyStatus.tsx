/** The supervisor's own status: opening the board makes them available for work, as any console page does;
 *  here they say busy or away (sent on the socket, as the workspace does). */
import { signal } from "@preact/signals";
import { t } from "../../shared/i18n";
import { valueName } from "../labels";
import { connect, on } from "../live";

const mine = signal("available");

export function startMyStatus(): void {
  on("hello", (h) => {
    if (typeof h.status === "string" && h.status !== "offline") mine.value = h.status;
  });
  on("presence", (p) => {
    if (typeof p.status === "string" && p.status !== "offline") mine.value = p.status;
  });
}

function choose(status: string): void {
  connect().emit("status", { status }, (ack: { ok?: boolean; status?: string } | undefined) => {
    if (ack?.ok && ack.status) mine.value = ack.status;
  });
}

export function MyStatus() {
  return (
    <label class="my-status">
      {t("My status")}{" "}
      <select id="my-status" value={mine.value} onChange={(e) => choose(e.currentTarget.value)}>
        {["available", "busy", "away"].map((s) => <option key={s} value={s}>{valueName(s)}</option>)}
        {mine.value === "wrap-up" && <option value="wrap-up" disabled>{valueName("wrap-up")}</option>}
      </select>
    </label>
  );
}
