/** What the hub tells a waiting visitor (nobody online, still looking), in their language and time zone. */
import { formatMoment, t } from "../boot";
import { notice, problem } from "../store";

export function NoticeLine() {
  const n = notice.value;
  if (!n) return null;
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(n.params ?? {})) if (v !== null && v !== undefined) params[k] = v;
  const due = n.params?.expected_by;
  if (typeof due === "string") params.when = formatMoment(due);
  // A notice this widget has no words for: the hub's own text (it sends it in the visitor's language).
  const text = n.key ? t(n.key, params) : (n.text ?? "");
  return (
    <p id="notice" class="notice" role="status">
      {text}
    </p>
  );
}

export function ProblemLine() {
  const text = problem.value;
  return (
    <p id="error" class="error" role="alert" hidden={!text}>
      {text}
    </p>
  );
}
