/** One colleague in the yellow pages: presence, skills with their levels, languages by name, channels, topics. */
import { ArrowRightLeft, MessageCircleQuestion } from "lucide-preact";
import { formatNumber, t } from "../shared/i18n";
import { channelName, languageName, presenceName, roleName } from "./labels";
import type { Person } from "./types";

function initials(name: string): string {
  const words = name.trim().split(/\s+/);
  // Chinese names read best as their first character; Latin names as two initials.
  return /[\u3400-\u9fff]/.test(name) ? name.trim().slice(0, 1) : words.map((w) => w[0] ?? "").join("").slice(0, 2).toUpperCase();
}

function Level({ level }: { level: number }) {
  const said = t("level %(n)s of 5", { n: level });
  return (
    <span class="kb-level" role="img" aria-label={said} title={said}>
      {[1, 2, 3, 4, 5].map((n) => (
        <span key={n} class={n <= level ? "on" : ""} />
      ))}
    </span>
  );
}

interface Props {
  person: Person;
  onConsult?: () => void;
  onTransfer?: () => void;
}

export function AgentCard({ person: a, onConsult, onTransfer }: Props) {
  const solved = Object.entries(a.evidence ?? {})
    .filter(([, e]) => (e.resolved ?? 0) > 0)
    .map(([skill, e]) => t("%(skill)s: %(n)s solved", { skill, n: formatNumber(e.resolved ?? 0) }));
  return (
    <li class="kb-person" data-agent={a.id}>
      <div class="kb-person-head">
        <span class="avatar" aria-hidden="true">
          {initials(a.display_name)}
        </span>
        <div>
          <p class="kb-person-name">{a.display_name}</p>
          <p class="kb-meta">{roleName(a.role)}</p>
        </div>
        <span class={`kb-presence presence-${a.presence}`} data-presence={a.presence}>
          <span class="dot" aria-hidden="true" /> {presenceName(a.presence)}
        </span>
      </div>
      {a.skills.length ? (
        <ul class="kb-skills" aria-label={t("Skills")}>
          {a.skills.map((s) => (
            <li key={s.skill}>
              <span>{s.skill}</span> <Level level={s.level} />
            </li>
          ))}
        </ul>
      ) : null}
      <dl class="kb-facts">
        {a.languages?.length ? (
          <>
            <dt>{t("Languages")}</dt>
            <dd class="kb-languages">{a.languages.map(languageName).join(" · ")}</dd>
          </>
        ) : null}
        {a.channels.length ? (
          <>
            <dt>{t("Channels")}</dt>
            <dd>{[...new Set(a.channels.map(channelName))].join(" · ")}</dd>
          </>
        ) : null}
        {a.topics?.length ? (
          <>
            <dt>{t("Topics")}</dt>
            <dd>{a.topics.join(" · ")}</dd>
          </>
        ) : null}
        {solved.length ? (
          <>
            <dt>{t("Track record")}</dt>
            <dd>{solved.join(" · ")}</dd>
          </>
        ) : null}
      </dl>
      {onConsult || onTransfer ? (
        <div class="kb-person-actions">
          {onConsult ? (
            <button type="button" class="btn" onClick={onConsult}>
              <MessageCircleQuestion size={16} aria-hidden="true" /> {t("Consult")}
              <span class="visually-hidden"> {a.display_name}</span>
            </button>
          ) : null}
          {onTransfer ? (
            <button type="button" class="btn" onClick={onTransfer}>
              <ArrowRightLeft size={16} aria-hidden="true" /> {t("Transfer here")}
              <span class="visually-hidden"> {a.display_name}</span>
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
