/** Small pieces the knowledge pages share: status badges, errors, empty states and the page head. */
import { TriangleAlert } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { ApiError } from "../shared/api";
import { t } from "../shared/i18n";
import { statusName } from "./labels";

/** What went wrong, in the user's language where the API's message is a catalog key. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return t("Your role cannot do this.");
    if (error.status === 409) return t("Someone changed this article meanwhile. Reload it to see their version.");
    return error.translated() ?? t(error.message);
  }
  return t("Something went wrong. Reload the page and try again.");
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="kb-error" role="alert">
      <TriangleAlert size={16} aria-hidden="true" /> {typeof error === "string" ? error : errorText(error)}
    </p>
  );
}

export function StatusBadge({ status, id }: { status: string; id?: string }) {
  return (
    <span id={id} class={`badge badge-${status}`} data-status={status}>
      {statusName(status)}
    </span>
  );
}

export function PageHead(props: { title: string; intro?: string; children?: ComponentChildren }) {
  return (
    <div class="kb-head">
      <div>
        <h1 id="page-title">{props.title}</h1>
        {props.intro ? <p class="kb-intro">{props.intro}</p> : null}
      </div>
      {props.children ? <div class="kb-head-actions">{props.children}</div> : null}
    </div>
  );
}

export function Empty({ title, hint }: { title: string; hint: string }) {
  return (
    <div class="kb-empty">
      <p class="kb-empty-title">{title}</p>
      <p>{hint}</p>
    </div>
  );
}
