/** The article's version history, two versions chosen to compare side by side, and restore (knowledge managers). */
import { History, RotateCcw } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../shared/api";
import { formatRelative, t } from "../shared/i18n";
import { boot } from "./boot";
import type { Said } from "./Editor";
import { formatWhen } from "./labels";
import type { ArticleDetail, Person, Version } from "./types";
import { StatusBadge, errorText } from "./ui";
import { VersionDiff } from "./VersionDiff";

interface Props {
  articleId: number;
  reload: number;
  people: Person[];
  onRestored: (a: ArticleDetail) => void;
  say: (s: Said) => void;
}

export function Versions({ articleId, reload, people, onRestored, say }: Props) {
  const [versions, setVersions] = useState<Version[]>([]);
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState(0);
  useEffect(() => {
    api<{ versions: Version[] }>("GET", `/api/v1/knowledge/articles/${articleId}/versions`).then((r) => {
      setVersions(r.versions);
      const n = r.versions.length;
      // The latest against the one before it: what a reviewer asks first.
      setTo(r.versions[n - 1]?.number ?? 0);
      setFrom(r.versions[Math.max(0, n - 2)]?.number ?? 0);
    }, (e: unknown) => say({ text: errorText(e), ok: false }));
  }, [reload]);
  const name = (id: number | null) => people.find((p) => p.id === id)?.display_name ?? "";
  const restore = (v: Version) =>
    api<ArticleDetail>("POST", `/api/v1/knowledge/articles/${articleId}/restore`, { version: v.number }).then(
      (a) => {
        onRestored(a);
        say({ text: t("Restored as a new draft"), ok: true });
      },
      (e: unknown) => say({ text: errorText(e), ok: false }),
    );
  const a = versions.find((v) => v.number === from);
  const b = versions.find((v) => v.number === to);
  const choose = (label: string, value: number, set: (n: number) => void, id: string) => (
    <label class="kb-select">
      <span>{label}</span>
      <select id={id} value={value} onChange={(e) => set(Number(e.currentTarget.value))}>
        {versions.map((v) => (
          <option key={v.number} value={v.number}>
            {t("Version %(n)s", { n: v.number })}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section class="kb-card kb-versions" aria-labelledby="versions-title">
      <h2 id="versions-title">
        <History size={18} aria-hidden="true" /> {t("Versions")}
      </h2>
      <ol id="versions" class="kb-version-list" reversed>
        {[...versions].reverse().map((v) => (
          <li key={v.number} data-version={v.number}>
            <span class="kb-version-no">{t("Version %(n)s", { n: v.number })}</span>
            <StatusBadge status={v.status} />
            <span class="kb-version-title">{v.title}</span>
            <span class="kb-meta">
              {name(v.author_id) ? <span>{name(v.author_id)}</span> : null}
              <time dateTime={v.updated_at} title={formatWhen(v.updated_at)}>
                {formatRelative(new Date(v.updated_at))}
              </time>
            </span>
            {boot.curator && v.status !== "draft" && v.status !== "in_review" ? (
              <button type="button" class="btn btn-quiet" onClick={() => void restore(v)}>
                <RotateCcw size={14} aria-hidden="true" /> {t("Restore")}
                <span class="visually-hidden"> {t("Version %(n)s", { n: v.number })}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      {versions.length > 1 ? (
        <>
          <div class="kb-diff-pick" role="group" aria-label={t("Compare versions")}>
            {choose(t("Compare"), from, setFrom, "diff-from")}
            {choose(t("with"), to, setTo, "diff-to")}
          </div>
          {a && b ? <VersionDiff before={a} after={b} /> : null}
        </>
      ) : (
        <p class="muted">{t("Once the article has a second version, its changes show here side by side.")}</p>
      )}
    </section>
  );
}
