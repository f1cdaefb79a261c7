/** The gap report (knowledge managers and supervisors): questions customers asked that no article answered. */
import { PenLine } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../shared/api";
import { formatNumber, formatRelative, t } from "../shared/i18n";
import { formatWhen, languageName } from "./labels";
import type { Gap } from "./types";
import { ErrorNote } from "./ui";

export function GapReport() {
  const [gaps, setGaps] = useState<Gap[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ gaps: Gap[] }>("GET", "/api/v1/knowledge/gaps").then((r) => setGaps(r.gaps), setError);
  }, []);
  return (
    <section class="kb-card kb-gaps" id="gaps" aria-labelledby="gaps-title">
      <h2 id="gaps-title">{t("Questions without a good answer")}</h2>
      <p class="kb-intro">{t("What customers asked in the last 30 days that no article answered well.")}</p>
      <ErrorNote error={error} />
      {gaps && !gaps.length ? <p class="muted">{t("No gaps: every question found an answer.")}</p> : null}
      <ul class="kb-gap-list">
        {(gaps ?? []).map((g) => (
          <li key={`${g.locale}:${g.question}`}>
            <div class="kb-gap-q">
              <span class="kb-gap-text">{g.question}</span>
              <span class="kb-meta">
                <span>{languageName(g.locale)}</span>
                <span>{t("asked %(n)s times", { n: formatNumber(g.count) })}</span>
                {g.last_seen ? (
                  <time dateTime={g.last_seen} title={formatWhen(g.last_seen)}>
                    {formatRelative(new Date(g.last_seen))}
                  </time>
                ) : null}
              </span>
            </div>
            <a
              class="btn"
              href={`/console/knowledge/new?title=${encodeURIComponent(g.question)}&locale=${encodeURIComponent(g.locale)}`}
            >
              <PenLine size={14} aria-hidden="true" /> {t("Write an answer")}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
