/** Who looks after the article: shown to everyone, changed by knowledge managers. */
import { UserRound } from "lucide-preact";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { boot } from "./boot";
import type { Said } from "./Editor";
import type { ArticleDetail, Person } from "./types";
import { errorText } from "./ui";

interface Props {
  article: ArticleDetail;
  people: Person[];
  onChanged: (a: ArticleDetail) => void;
  say: (s: Said) => void;
}

export function OwnerPicker({ article, people, onChanged, say }: Props) {
  const owner = people.find((p) => p.id === article.owner_id);
  if (!boot.curator)
    return (
      <p class="kb-owner">
        <UserRound size={16} aria-hidden="true" /> {t("Owner")}: {owner?.display_name ?? t("Nobody")}
      </p>
    );
  const change = (value: string) => {
    const owner_id = value ? Number(value) : null;
    api<ArticleDetail>("PUT", `/api/v1/knowledge/articles/${article.id}/owner`, { owner_id }).then(
      (a) => {
        onChanged(a);
        say({ text: t("Owner changed"), ok: true });
      },
      (e: unknown) => say({ text: errorText(e), ok: false }),
    );
  };
  return (
    <label class="kb-owner kb-select">
      <UserRound size={16} aria-hidden="true" />
      <span>{t("Owner")}</span>
      <select id="owner" value={article.owner_id ?? ""} onChange={(e) => change(e.currentTarget.value)}>
        <option value="">{t("Nobody")}</option>
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.display_name}
          </option>
        ))}
      </select>
    </label>
  );
}
