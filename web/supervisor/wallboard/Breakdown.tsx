/** The waiting work broken down: per queue (a table with each figure's colour) and per tier and per skill. */
import { t } from "../../shared/i18n";
import { skillName } from "../../shared/skills";
import { boot } from "../boot";
import { duration, num, share } from "../format";
import { byTierValue, valueName } from "../labels";
import * as th from "../thresholds";
import { board, waitedSince } from "./store";

function Figure({ value, level, text }: { value: number | null; level: th.Level; text?: string }) {
  const shown = value === 0 ? "neutral" : level; // a row of green zeros only adds noise
  return <span class={`figure figure-${shown}`}>{text ?? (value === null ? "—" : num(value))}</span>;
}

export function QueueTable() {
  const queues = board.value?.queues ?? [];
  return (
    <section class="card" aria-labelledby="q-title">
      <h2 id="q-title">{t("By queue")}</h2>
      <div class="table-wrap">
        <table class="grid cards-on-phone" id="queues">
          <thead>
            <tr>
              <th scope="col">{t("Queue")}</th>
              <th scope="col">{t("Waiting")}</th>
              <th scope="col">{t("Longest wait")}</th>
              <th scope="col">{t("SLA at risk")}</th>
              <th scope="col">{t("SLA breached")}</th>
              <th scope="col">{t("Service level today")}</th>
              <th scope="col">{t("Answered today")}</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((q) => (
              <tr key={q.queue} data-queue={q.queue}>
                <th scope="row">{boot.queues[q.queue] ?? q.queue}</th>
                <td data-label={t("Waiting")}><Figure value={q.waiting} level={th.waitingLevel(q.waiting)} /></td>
                <td data-label={t("Longest wait")}>
                  <Figure value={null} text={q.waiting ? duration(waitedSince(q.longest_wait_s)) : "—"}
                    level={q.waiting ? th.longestWaitLevel(waitedSince(q.longest_wait_s)) : "neutral"} />
                </td>
                <td data-label={t("SLA at risk")}><Figure value={q.sla_at_risk} level={th.atRiskLevel(q.sla_at_risk)} /></td>
                <td data-label={t("SLA breached")}><Figure value={q.sla_breached} level={th.breachedLevel(q.sla_breached)} /></td>
                <td data-label={t("Service level today")}>
                  <Figure value={null} text={share(q.service_level)} level={th.serviceLevel(q.service_level)} />
                </td>
                <td data-label={t("Answered today")}>{num(q.answered_today ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A list of counts with proportional bars (the count is written out; the bar only helps the eye). */
function Counts({ id, title, entries, empty }: { id: string; title: string; entries: [string, number][]; empty: string }) {
  const top = Math.max(1, ...entries.map(([, n]) => n));
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {entries.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <ul class="counts" id={id}>
          {entries.map(([name, n]) => (
            <li key={name} data-key={name}>
              <span class="count-name">{name === "" ? "—" : id === "by-tier" ? valueName(name) : skillName(name)}</span>
              <span class="count-bar" aria-hidden="true"><span style={{ width: `${(100 * n) / top}%` }} /></span>
              <span class="count-value">{num(n)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function TierAndSkill() {
  const b = board.value;
  const tiers = byTierValue(Object.entries(b?.waiting_by_tier ?? {}));
  const skills = Object.entries(b?.waiting_by_skill ?? {});
  return (
    <div class="columns">
      <Counts id="by-tier" title={t("Waiting by tier")} entries={tiers} empty={t("Nobody is waiting.")} />
      <Counts id="by-skill" title={t("Waiting by skill")} entries={skills} empty={t("No waiting ticket asks for a skill.")} />
    </div>
  );
}
