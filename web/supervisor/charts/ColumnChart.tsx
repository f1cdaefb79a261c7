/** Stacked columns: one per day, a segment per series (the volume by channel), with a y axis of counts, the
 *  days along the x axis in the locale's format, a legend, and the numbers as a table for screen readers. */
import { t } from "../../shared/i18n";
import { day, num } from "../format";
import { ticks, useWidth } from "./scale";

export interface Series {
  key: string;
  label: string;
}

const HEIGHT = 240;
const M = { top: 12, right: 8, bottom: 28, left: 40 };

export function ColumnChart(props: { id: string; title: string; days: string[]; series: Series[]; value: (day: number, key: string) => number }) {
  const [box, width] = useWidth<HTMLDivElement>(640);
  const { days, series, value } = props;
  const totals = days.map((_, i) => series.reduce((n, s) => n + value(i, s.key), 0));
  const axis = ticks(Math.max(...totals, 1));
  const top = axis[axis.length - 1] ?? 1;
  const plotW = width - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const slot = plotW / Math.max(1, days.length);
  const y = (v: number) => M.top + plotH - (plotH * v) / top;
  const every = Math.max(1, Math.ceil(56 / slot)); // a day label needs about 56 px
  return (
    <figure class="plot" id={props.id}>
      <figcaption>{props.title}</figcaption>
      <div ref={box} class="plot-box">
        <svg width={width} height={HEIGHT} role="img" aria-label={props.title}>
          {axis.map((v) => (
            <g key={v} class="tick">
              <line x1={M.left} x2={width - M.right} y1={y(v)} y2={y(v)} />
              <text x={M.left - 6} y={y(v) + 4} text-anchor="end">{num(v)}</text>
            </g>
          ))}
          {days.map((d, i) => {
            let base = 0;
            const x = M.left + i * slot + Math.min(4, slot * 0.15);
            const w = Math.max(1, slot - 2 * Math.min(4, slot * 0.15));
            return (
              <g key={d} class="column" data-day={d}>
                {series.map((s, k) => {
                  const v = value(i, s.key);
                  if (!v) return null;
                  const rect = (
                    <rect key={s.key} class={`series-${k % 6}`} x={x} width={w} y={y(base + v)} height={y(base) - y(base + v)}>
                      <title>{`${day(d)} · ${s.label}: ${num(v)}`}</title>
                    </rect>
                  );
                  base += v;
                  return rect;
                })}
                {i % every === 0 && (
                  <text class="x-label" x={M.left + i * slot + slot / 2} y={HEIGHT - 8} text-anchor="middle">{day(d)}</text>
                )}
              </g>
            );
          })}
          <line class="axis" x1={M.left} x2={width - M.right} y1={y(0)} y2={y(0)} />
        </svg>
      </div>
      {series.length > 0 ? (
        <ul class="plot-legend">
          {series.map((s, k) => <li key={s.key}><span class={`swatch series-${k % 6}`} aria-hidden="true" />{s.label}</li>)}
        </ul>
      ) : (
        <p class="muted">{t("No tickets in this period.")}</p>
      )}
      <details class="as-table">
        <summary>{t("Show as a table")}</summary>
        <div class="table-wrap">
          <table class="grid">
            <thead>
              <tr><th scope="col">{t("Day")}</th>{series.map((s) => <th key={s.key} scope="col">{s.label}</th>)}</tr>
            </thead>
            <tbody>
              {days.map((d, i) => (
                <tr key={d}><th scope="row">{day(d, true)}</th>{series.map((s) => <td key={s.key}>{num(value(i, s.key))}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
