/** The big numbers at the top of the wallboard, each coloured by its threshold (see thresholds.ts). */
import type { ComponentChildren } from "preact";
import { t } from "../../shared/i18n";
import { duration, num, share } from "../format";
import { valueName } from "../labels";
import * as th from "../thresholds";
import { board, totals, waitedSince } from "./store";

const WORDS: Record<th.Level, string> = { good: "On target", warn: "Watch", bad: "Act now", neutral: "" };

function Tile(props: { id: string; label: string; value: string; level: th.Level; hint?: ComponentChildren }) {
  const word = WORDS[props.level];
  return (
    <li class={`tile tile-${props.level}`} data-tile={props.id}>
      <span class="tile-label">{props.label}</span>
      <strong class="tile-value">{props.value}</strong>
      {word && <span class="tile-state">{t(word)}</span>}
      {props.hint && <span class="tile-hint">{props.hint}</span>}
    </li>
  );
}

export function Tiles() {
  const b = board.value;
  if (!b) return null;
  const sum = totals.value;
  const agents = b.agents ?? {};
  const available = agents.available ?? 0;
  const longest = waitedSince(sum.longest);
  return (
    <ul class="tiles" aria-label={t("Key figures")}>
      <Tile id="waiting" label={t("Waiting")} value={num(sum.waiting)} level={th.waitingLevel(sum.waiting)} />
      <Tile id="longest" label={t("Longest wait")} value={sum.waiting ? duration(longest) : "—"}
        level={sum.waiting ? th.longestWaitLevel(longest) : "good"} />
      <Tile id="at-risk" label={t("SLA at risk")} value={num(sum.atRisk)} level={th.atRiskLevel(sum.atRisk)}
        hint={t("First answer due within 10 min")} />
      <Tile id="breached" label={t("SLA breached")} value={num(sum.breached)} level={th.breachedLevel(sum.breached)} />
      <Tile id="service-level" label={t("Service level today")} value={share(sum.serviceLevel)} level={th.serviceLevel(sum.serviceLevel)} />
      <Tile id="answered" label={t("Answered today")} value={num(sum.answered)} level="neutral" />
      <Tile id="available" label={t("Agents available")} value={num(available)} level={th.availableLevel(available, sum.waiting)} />
      <Tile id="busy" label={t("Agents busy")} value={num(agents.busy ?? 0)} level="neutral"
        hint={agents["wrap-up"] ? `${valueName("wrap-up")}: ${num(agents["wrap-up"])}` : undefined} />
      <Tile id="away" label={t("Agents away")} value={num(agents.away ?? 0)} level="neutral"
        hint={`${valueName("offline")}: ${num(agents.offline ?? 0)}`} />
    </ul>
  );
}
