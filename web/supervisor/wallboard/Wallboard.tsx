/** The wallboard page: title with the time of the figures and the connection, the supervisor's own status,
 *  then the tiles, the breakdowns, the agents and the work. */
import { t } from "../../shared/i18n";
import { timeOfDay } from "../format";
import { connection } from "../live";
import { said } from "./actions";
import { AgentStates } from "./AgentStates";
import { QueueTable, TierAndSkill } from "./Breakdown";
import { MyStatus } from "./MyStatus";
import { Offers } from "./Offers";
import { board, loadError } from "./store";
import { Tiles } from "./Tiles";
import { LiveConversations, WaitingTickets } from "./Tickets";

const CONNECTION: Record<string, string> = { connecting: "connecting…", live: "live", offline: "reconnecting…" };

export function Wallboard() {
  const b = board.value;
  const note = said.value;
  return (
    <main id="main" class="sup-main wallboard">
      <div class="page-head">
        <h1>{t("Wallboard")}</h1>
        <p class="as-of muted">
          {b && <span id="as-of">{t("Updated %(time)s", { time: timeOfDay(b.at) })}</span>}{" "}
          <span id="conn" class={`conn conn-${connection.value}`} data-state={connection.value} role="status">
            {t(CONNECTION[connection.value] ?? "live")}
          </span>
        </p>
        <MyStatus />
        <p id="wall-said" class={note?.error ? "said error" : "said"} role="status">{note?.text ?? ""}</p>
      </div>
      <Offers />
      {loadError.value && <p class="error" role="alert">{loadError.value}</p>}
      {!b ? (
        <p class="muted">{t("Loading…")}</p>
      ) : (
        <>
          <Tiles />
          <QueueTable />
          <TierAndSkill />
          <div class="columns wide-first">
            <WaitingTickets />
            <AgentStates />
          </div>
          <LiveConversations />
        </>
      )}
    </main>
  );
}
