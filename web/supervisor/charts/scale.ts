/** Axis helpers for the report charts, and the hook that sizes a chart to its box.
 *  Charts are plain SVG components rather than a chart library: the reports need two kinds (stacked columns,
 *  horizontal bars), and drawing them ourselves costs a few kB instead of 50-200 kB of library, keeps every
 *  label in Intl formats and the catalog's words, and lets the charts use the design tokens and carry their
 *  own accessible names and table alternatives. */
import { useEffect, useRef, useState } from "preact/hooks";

/** Round tick values from 0 to at least `max`: 0, 5, 10… or 0, 0.2, 0.4… (`count` ticks or so). */
export function ticks(max: number, count = 4): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

// Steps a duration axis reads well in: 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 4, 8, 12 h, 1 day…
const DURATION_STEPS = [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800];

/** Round tick values (seconds) from 0 to at least `max`, about `count` of them. */
export function durationTicks(max: number, count = 4): number[] {
  const raw = Math.max(1, max) / count;
  const step = DURATION_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86400) * 86400;
  const out: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) out.push(v);
  return out.length > 1 ? out : [0, step];
}

/** The width of the element the ref is put on, kept up to date as the page resizes. */
export function useWidth<T extends HTMLElement>(fallback: number): [preact.RefObject<T>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const node = ref.current;
    if (!node) return;
    const measure = () => setWidth(Math.max(240, Math.floor(node.getBoundingClientRect().width)));
    measure();
    const watch = new ResizeObserver(measure);
    watch.observe(node);
    return () => watch.disconnect();
  }, []);
  return [ref, width];
}
