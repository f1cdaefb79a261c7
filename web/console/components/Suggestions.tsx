/** Knowledge suggestions for the customer's latest question, confident ones first: insert the short answer
 * (SMS, WeChat) or the full one (chat, e-mail; sent as Markdown and shown as each channel can), and say
 * whether it helped. */
import { useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { feedback, searchKnowledge, state, suggestions } from "../conversation";
import { insertText } from "../draft";
import type { Suggestion } from "../types";

const SHORT_CHANNELS = new Set(["sms.twilio", "wechat", "voice.twilio"]);

function Item({ s, preferShort }: { s: Suggestion; preferShort: boolean }) {
  const [rated, setRated] = useState("");
  const use = s.usefulness ?? {};
  const insert = (full: boolean) => {
    insertText(full ? s.body : s.short_answer, full ? s.article_id : undefined);
    document.querySelector<HTMLTextAreaElement>("#reply textarea")?.focus();
    void feedback(s.article_id, "inserted");
  };
  return (
    <li class={`kb-item ${s.confident ? "kb-confident" : "kb-guess"}`} data-article-id={s.article_id}>
      <div class="kb-title">
        {s.title} <span class="kb-confidence">{Math.round(100 * (s.confidence || 0))}%</span>
      </div>
      <div class="kb-short">{s.short_answer}</div>
      <div class="kb-usefulness muted">
        {t("%(helpful)s helpful · %(inserted)s inserted · %(not_helpful)s not helpful", {
          helpful: use.helpful ?? 0,
          inserted: use.inserted ?? 0,
          not_helpful: use.not_helpful ?? 0,
        })}
      </div>
      <div class="kb-actions">
        <button type="button" class={`secondary${preferShort ? " preferred" : ""}`} data-act="short" onClick={() => insert(false)}>
          {t("Insert short")}
        </button>
        <button type="button" class={`secondary${preferShort ? "" : " preferred"}`} data-act="full" onClick={() => insert(true)}>
          {t("Insert full")}
        </button>
        {["helpful", "not_helpful"].map((kind) => (
          <button
            key={kind}
            type="button"
            class="link"
            data-act={kind}
            disabled={rated !== ""}
            aria-pressed={rated === kind}
            onClick={() => void feedback(s.article_id, kind).then(() => setRated(kind))}
          >
            {kind === "helpful" ? t("Helpful") : t("Not helpful")}
          </button>
        ))}
      </div>
    </li>
  );
}

export function Suggestions() {
  const found = suggestions.value;
  const channel = state.value?.ticket.channel ?? "";
  const sure = (found ?? []).filter((s) => s.confident);
  const guesses = (found ?? []).filter((s) => !s.confident);
  return (
    <section class="panel knowledge" id="knowledge" aria-labelledby="kb-title">
      <h2 id="kb-title">{t("Suggested answers")}</h2>
      <form
        id="kb-search"
        class="kb-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void searchKnowledge((e.currentTarget.elements.namedItem("q") as HTMLInputElement).value);
        }}
      >
        <input name="q" aria-label={t("Search the knowledge base")} placeholder={t("Search the knowledge base")} />
      </form>
      <ol id="kb-results" class="kb-results">
        {found !== null && found.length === 0 && <li class="muted">{t("No matching article.")}</li>}
        {found !== null && found.length > 0 && sure.length === 0 && <li class="kb-none muted">{t("No confident answer.")}</li>}
        {[...sure, ...guesses].map((s) => (
          <Item key={s.article_id} s={s} preferShort={SHORT_CHANNELS.has(channel)} />
        ))}
      </ol>
    </section>
  );
}
