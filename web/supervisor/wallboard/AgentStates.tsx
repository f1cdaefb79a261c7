/** Agents online: their state with the time in it (ticking here, every second), and how full they are. */
import { t } from "../../shared/i18n";
import { duration, num, share } from "../format";
import { valueName } from "../labels";
import { board, now } from "./store";

const ORDER = ["available", "busy", "wrap-up", "away"];

function TimeInState({ since }: { since: string | null }) {
  if (!since) return <span class="muted">—</span>;
  // The server's clock and this browser's may differ a little: never a negative time.
  return <span class="in-state">{duration(Math.max(0, now.value - Date.parse(since)) / 1000)}</span>;
}

export function AgentStates() {
  const staff = [...(board.value?.staff ?? [])].sort(
    (a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.name.localeCompare(b.name),
  );
  return (
    <section class="card" aria-labelledby="staff-title">
      <h2 id="staff-title">
        {t("Agents online")} <span class="muted">{num(board.value?.staff_online ?? 0)}</span>
      </h2>
      {staff.length === 0 ? (
        <p class="muted">{t("No agent is online.")}</p>
      ) : (
        <ul class="staff" id="staff">
          {staff.map((a) => (
            <li key={a.id} data-agent={a.id} class={`staff-${a.status}`}>
              <span class="staff-name">{a.name}</span>
              <span class={`state state-${a.status}`}>{valueName(a.status)}</span>
              <TimeInState since={a.since} />
              <span class="load" title={t("Conversations open / capacity")}>
                <span class="meter" aria-hidden="true"><span style={{ width: `${Math.min(100, a.occupancy * 100)}%` }} /></span>
                {t("%(load)s of %(capacity)s", { load: num(a.load), capacity: num(a.capacity) })} · {share(a.occupancy)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
