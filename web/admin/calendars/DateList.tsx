/** A list of dates (holidays, extra working days): chips to remove, a date field to add one. */
import { Plus, X } from "lucide-preact";
import { useState } from "preact/hooks";
import { lang, t } from "../../shared/i18n";

const day = new Intl.DateTimeFormat(lang, { dateStyle: "medium" });
export const showDate = (iso: string) => day.format(new Date(`${iso}T12:00:00`));

export function DateList(props: {
  legend: string;
  addLabel: string;
  dates: string[];
  clash: string[]; // dates that may not be added here (they are in the other list)
  clashText: string;
  onChange: (dates: string[]) => void;
}) {
  const [adding, setAdding] = useState("");
  const [problem, setProblem] = useState("");
  const add = () => {
    if (!/^\d{4}-\d\d-\d\d$/.test(adding)) return setProblem(t("Choose a date."));
    if (props.clash.includes(adding)) return setProblem(props.clashText);
    setProblem("");
    setAdding("");
    if (!props.dates.includes(adding)) props.onChange([...props.dates, adding].sort());
  };
  return (
    <fieldset class="adm-fieldset cal-dates">
      <legend>{props.legend}</legend>
      {props.dates.length ? (
        <ul class="cal-chips">
          {props.dates.map((d) => (
            <li class="chip" key={d}>
              <time dateTime={d}>{showDate(d)}</time>
              <button
                type="button"
                class="cal-chip-x"
                aria-label={t("Remove %(date)s", { date: showDate(d) })}
                onClick={() => props.onChange(props.dates.filter((x) => x !== d))}
              >
                <X size={12} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="adm-muted">{t("None")}</p>
      )}
      <div class={problem ? "cal-add invalid" : "cal-add"}>
        <input
          type="date"
          value={adding}
          aria-label={props.addLabel}
          onInput={(e) => setAdding(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" class="btn" onClick={add}>
          <Plus size={14} aria-hidden="true" /> {props.addLabel}
        </button>
      </div>
      {problem ? <span class="adm-field-error" role="alert">{problem}</span> : null}
    </fieldset>
  );
}
