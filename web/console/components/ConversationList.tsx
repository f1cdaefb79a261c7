/** The conversation list: views with live counts, filters, the agent's capacity, most urgent work first. */
import { t, formatNumber } from "../../shared/i18n";
import { boot } from "../boot";
import { openId } from "../conversation";
import { channelName } from "../labels";
import { chooseView, counts, filters, listed, loadSolved, now, scope, solved, truncated, view, type View } from "../store";
import { ConversationItem } from "./ConversationItem";
import { OwnLimits } from "./OwnLimits";

const VIEWS: [View, string][] = [
  ["mine", "Mine"],
  ["unassigned", "Unassigned"],
  ["queues", "My queues"],
  ["all", "All"],
  ["mentions", "Mentions"],
  ["snoozed", "Snoozed"],
  ["solved", "Solved"],
];
const CHANNELS = ["webchat", "email", "sms.twilio", "voice.twilio", "wechat"];

export function ConversationList() {
  const Title = openId.value === null ? "h1" : "h2";
  const rows = listed.value;
  const at = now.value;
  const views = VIEWS.filter(([v]) => v !== "all" || scope.value.supervisor);
  return (
    <section class="ws-list" aria-labelledby="list-title">
      <div class="list-head">
        <Title id="list-title">{t("Inbox")}</Title>
      </div>
      <div class="views" role="tablist" aria-label={t("Views")}>
        {views.map(([v, label]) => (
          <button
            key={v}
            type="button"
            role="tab"
            data-view={v}
            aria-selected={view.value === v}
            onClick={() => chooseView(v)}
          >
            {t(label)}
            {v !== "solved" && (
              <span class="count" data-count={v}>
                {formatNumber(counts.value[v] ?? 0)}
              </span>
            )}
          </button>
        ))}
      </div>
      <form id="filters" class="filters" aria-label={t("Filters")} onSubmit={(e) => e.preventDefault()}>
        <label>
          <span class="visually-hidden">{t("Channel")}</span>
          <select name="channel" value={filters.value.channel} onChange={(e) => (filters.value = { ...filters.value, channel: e.currentTarget.value })}>
            <option value="">{t("Every channel")}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {channelName(c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="visually-hidden">{t("Tier")}</span>
          <select name="tier" value={filters.value.tier} onChange={(e) => (filters.value = { ...filters.value, tier: e.currentTarget.value })}>
            <option value="">{t("Every tier")}</option>
            {(boot.tiers.length ? boot.tiers : ["diamond", "gold", "silver", "general"]).map((tier) => (
              <option key={tier} value={tier}>
                {t(tier)}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" name="sla" checked={filters.value.sla} onChange={(e) => (filters.value = { ...filters.value, sla: e.currentTarget.checked })} />{" "}
          {t("SLA at risk")}
        </label>
      </form>
      {truncated.value && <p id="truncated" class="warning">{t("More tickets are active than the console shows; narrow the filters.")}</p>}
      <ol id="tickets" class="conv-list" aria-label={t("Conversations")}>
        {rows.map((tk) => (
          <ConversationItem key={tk.id} ticket={tk} now={at} selected={tk.id === openId.value} />
        ))}
      </ol>
      {rows.length === 0 && (
        <p id="empty" class="empty muted">
          {view.value === "mine" ? t("Nothing assigned to you. New work arrives as offers.") : t("Nothing here.")}
        </p>
      )}
      {view.value === "solved" && solved.value.next && (
        <button type="button" class="secondary more" disabled={solved.value.loading} onClick={() => void loadSolved(true)}>
          {t("Show more")}
        </button>
      )}
      <OwnLimits />
    </section>
  );
}
