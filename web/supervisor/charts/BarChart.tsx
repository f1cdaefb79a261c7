/** Horizontal bars with a value axis (0 to `max`, ticks formatted by `tick`) and each bar's value written at
 *  its end; a row without a value says so ("—") instead of drawing nothing silently. */
import { ticks, useWidth } from "./scale";

export interface Bar {
  key: string;
  label: string;
  value: number | null;
  text: string;
}

const ROW = 30;
const M = { top: 8, right: 56, bottom: 26, left: 84 };

export function BarChart(props: {
  id: string;
  title: string;
  bars: Bar[];
  tick: (v: number) => string;
  /** The axis: its values from 0 to the end of the scale (default: round numbers past the longest bar). */
  axis?: (highest: number) => number[];
}) {
  const [box, width] = useWidth<HTMLDivElement>(360);
  const highest = Math.max(0, ...props.bars.map((b) => b.value ?? 0));
  const axis = (props.axis ?? ((h: number) => ticks(h || 1, 4)))(highest);
  const top = axis[axis.length - 1] ?? 1;
  const height = M.top + props.bars.length * ROW + M.bottom;
  const plotW = width - M.left - M.right;
  const x = (v: number) => M.left + (plotW * v) / (top || 1);
  return (
    <figure class="plot" id={props.id}>
      <figcaption>{props.title}</figcaption>
      <div ref={box} class="plot-box">
        <svg width={width} height={height} role="img" aria-label={props.title}>
          {axis.map((v) => (
            <g key={v} class="tick">
              <line x1={x(v)} x2={x(v)} y1={M.top} y2={height - M.bottom} />
              <text x={x(v)} y={height - 8} text-anchor="middle">{props.tick(v)}</text>
            </g>
          ))}
          {props.bars.map((b, i) => {
            const mid = M.top + i * ROW + ROW / 2;
            const end = x(b.value ?? 0);
            return (
              <g key={b.key} class="bar-row" data-key={b.key}>
                <text class="bar-label" x={M.left - 8} y={mid + 4} text-anchor="end">{b.label}</text>
                {b.value !== null && <rect class="bar" x={M.left} y={mid - 9} height={18} width={Math.max(1, end - M.left)}><title>{`${b.label}: ${b.text}`}</title></rect>}
                <text class="bar-value" x={end + 6} y={mid + 4}>{b.text}</text>
              </g>
            );
          })}
          <line class="axis" x1={M.left} x2={M.left} y1={M.top} y2={height - M.bottom} />
        </svg>
      </div>
    </figure>
  );
}
