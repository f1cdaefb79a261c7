/** How often an article was offered to agents in the last 30 days: a count beside the list's usefulness icons, and
 * on the article page the count, the share of suggestions agents inserted into replies and the days as small bars. */
import { Lightbulb } from "lucide-preact";
import { formatNumber, lang, t } from "../shared/i18n";
import { formatDay } from "./labels";
import type { ArticleUsage } from "./types";

const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });

export function suggestedText(n: number): string {
  if (n === 0) return t("Not suggested in the last 30 days");
  return n === 1 ? t("Suggested once in the last 30 days") : t("Suggested %(n)s times in the last 30 days", { n: formatNumber(n) });
}

/** The list's count: a light bulb and the number, named in full for screen readers and on hover. */
export function Suggested({ n }: { n: number }) {
  const said = suggestedText(n);
  return (
    <span class={n ? "kb-suggested" : "kb-suggested none"} role="img" aria-label={said} title={said} data-suggested={n}>
      <Lightbulb size={14} aria-hidden="true" /> {formatNumber(n)}
    </span>
  );
}

const BAR = 4; // px per day in the chart's own units, a gap of 1 included

function Days({ days }: { days: ArticleUsage["suggested_days"] }) {
  const peak = Math.max(1, ...days.map((d) => d.suggested));
  return (
    // The sentence beside it says the total; the bars show when, each day named on hover.
    <svg class="kb-spark" viewBox={`0 0 ${days.length * BAR} 24`} preserveAspectRatio="none" aria-hidden="true">
      {days.map((d, i) => {
        const h = d.suggested ? Math.max(2, Math.round((d.suggested / peak) * 24)) : 1;
        return (
          <rect key={d.day} class={d.suggested ? "on" : "off"} x={i * BAR} y={24 - h} width={BAR - 1} height={h}>
            <title>{`${formatDay(d.day)}: ${formatNumber(d.suggested)}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

/** The article page's line: "Suggested 240 times in the last 30 days · inserted in 13% of suggestions". */
export function UsagePanel({ usage }: { usage: ArticleUsage }) {
  const n = usage.suggested_30d;
  // An agent may insert an article found by searching, never suggested: the share never reads above 100%.
  const share = n ? Math.min(1, usage.inserted_30d / n) : 0;
  return (
    <section class="kb-usage-panel" id="article-usage" aria-label={t("Use in the last 30 days")}>
      <Lightbulb size={18} aria-hidden="true" class="kb-usage-icon" />
      <p>
        <strong id="suggested-count" data-suggested={n}>
          {suggestedText(n)}
        </strong>
        {n ? (
          <span id="inserted-share" class="muted">
            {t("inserted in %(share)s of suggestions", { share: percent.format(share) })}
          </span>
        ) : null}
      </p>
      {n ? <Days days={usage.suggested_days} /> : null}
    </section>
  );
}
