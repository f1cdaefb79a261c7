/** The workflow buttons the role allows: submit for everyone who writes; publish, send back and retire for
 * knowledge managers. Sending back asks why, in place (the author reads it). */
import { Archive, CheckCircle2, Send, Undo2 } from "lucide-preact";
import { useState } from "preact/hooks";
import { t } from "../shared/i18n";
import { boot } from "./boot";
import type { ArticleDetail } from "./types";

interface Props {
  article: ArticleDetail | null;
  busy: boolean;
  dirty: boolean;
  act: (action: string, done: string, body?: { reason: string }) => Promise<void>;
}

export function WorkflowActions({ article, busy, act }: Props) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const next = article?.working?.status ?? null;
  const off = busy || !article;
  return (
    <>
      <button type="button" id="submit-review" class="btn" disabled={off || next !== "draft"} onClick={() => act("submit", t("Submitted for review"))}>
        <Send size={16} aria-hidden="true" /> {t("Submit for review")}
      </button>
      {boot.curator ? (
        <>
          <button type="button" id="approve" class="btn btn-success" disabled={off || next !== "in_review"} onClick={() => act("approve", t("Published"))}>
            <CheckCircle2 size={16} aria-hidden="true" /> {t("Approve and publish")}
          </button>
          <button type="button" id="reject" class="btn" disabled={off || next !== "in_review"} aria-expanded={asking} onClick={() => setAsking(!asking)}>
            <Undo2 size={16} aria-hidden="true" /> {t("Send back")}
          </button>
          <button type="button" id="archive" class="btn btn-danger-quiet" disabled={off || article?.status === "archived"} onClick={() => act("archive", t("Retired"))}>
            <Archive size={16} aria-hidden="true" /> {t("Retire")}
          </button>
        </>
      ) : null}
      {asking ? (
        <div class="kb-reason" role="group" aria-label={t("Send back")}>
          <label class="kb-field">
            <span class="kb-label">{t("Why does it go back?")}</span>
            <input name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
          <button
            type="button"
            id="reject-confirm"
            class="btn btn-primary"
            onClick={() => {
              setAsking(false);
              void act("reject", t("Sent back to the author"), { reason });
            }}
          >
            {t("Send back")}
          </button>
        </div>
      ) : null}
    </>
  );
}
