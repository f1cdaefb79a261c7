/** A customer's history across channels on their profile, newest first, older entries on request; and what
 * they told us in surveys. */
import { Star } from "lucide-preact";
import { t } from "../../shared/i18n";
import { loadOlderHistory, profile } from "../customers";
import { channelName, historyName } from "../labels";
import { say } from "../phrases";
import { follow } from "../router";
import { localTime } from "../time";

export function CustomerTimeline() {
  const p = profile.value;
  if (!p) return null;
  return (
    <section class="panel cust-history-panel" aria-labelledby="cust-history-title">
      <h2 id="cust-history-title">{t("History")}</h2>
      {p.history.length === 0 && <p class="muted">{t("Nothing recorded yet.")}</p>}
      <ol class="history cust-history" hidden={!p.history.length}>
        {p.history.map((h) => (
          <li key={h.id} class={`h-${h.kind.replace(".", "-")}`}>
            <time dateTime={h.occurred_at}>{localTime(h.occurred_at)}</time> {historyName(h.kind)}
            {h.channel ? ` · ${channelName(h.channel)}` : ""}{" "}
            {h.ticket_id && (
              <a href={`/console/tickets/${h.ticket_id}`} onClick={(e) => follow(e, `/console/tickets/${h.ticket_id}`)}>
                #{h.ticket_id}
              </a>
            )}
            <span class="summary">{say(h.summary, p.phrases, p.agents)}</span>
          </li>
        ))}
      </ol>
      {p.history_before && (
        <button type="button" class="secondary more" onClick={() => void loadOlderHistory()}>
          {t("Show older")}
        </button>
      )}
    </section>
  );
}

export function CustomerSurveys() {
  const p = profile.value;
  if (!p) return null;
  return (
    <section class="panel cust-surveys-panel" aria-labelledby="cust-surveys-title">
      <h2 id="cust-surveys-title">{t("Satisfaction surveys")}</h2>
      {p.surveys.length === 0 && <p class="muted">{t("No survey answered yet.")}</p>}
      <ul class="cust-surveys" hidden={!p.surveys.length}>
        {p.surveys.map((v, i) => (
          <li key={i}>
            <span class="stars" role="img" aria-label={t("%(n)s of 5", { n: v.rating })}>
              {[1, 2, 3, 4, 5].map((n) => (
                <Star key={n} size={14} aria-hidden="true" class={n <= v.rating ? "star-on" : "star-off"} />
              ))}
            </span>{" "}
            <a href={`/console/tickets/${v.ticket_id}`} onClick={(e) => follow(e, `/console/tickets/${v.ticket_id}`)}>
              #{v.ticket_id}
            </a>{" "}
            <span class="muted">
              {channelName(v.channel)}
              {v.answered_at ? ` · ${localTime(v.answered_at)}` : ""}
            </span>
            {v.comment && <q class="survey-comment">{v.comment}</q>}
          </li>
        ))}
      </ul>
    </section>
  );
}
