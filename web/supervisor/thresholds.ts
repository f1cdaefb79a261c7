/** When a wallboard figure turns amber or red. One place, so the colours mean the same on every tile and row:
 *  - waiting (unassigned tickets): green below 5, amber from 5, red from 15;
 *  - longest wait: green under 2 min, amber from 2 min, red from 5 min;
 *  - SLA at risk (first answer due within 10 min): green at 0, amber from 1, red from 5;
 *  - SLA breached (first answer overdue): green at 0, red from 1 (a promise already broken);
 *  - agents available: red at 0 while work waits, amber at 1, green otherwise;
 *  - service level today (first answers in time): green from 90 %, amber from 80 %, red below.
 *  Figures with no judgement (busy, away, answered today) stay neutral. */

export type Level = "good" | "warn" | "bad" | "neutral";

function rising(value: number, amber: number, red: number): Level {
  return value >= red ? "bad" : value >= amber ? "warn" : "good";
}

export const waitingLevel = (n: number): Level => rising(n, 5, 15);
export const longestWaitLevel = (seconds: number): Level => rising(seconds, 120, 300);
export const atRiskLevel = (n: number): Level => rising(n, 1, 5);
export const breachedLevel = (n: number): Level => rising(n, 1, 1);

export function availableLevel(available: number, waiting: number): Level {
  if (available === 0) return waiting > 0 ? "bad" : "warn";
  return available === 1 ? "warn" : "good";
}

export function serviceLevel(share: number | null): Level {
  if (share === null) return "neutral";
  return share >= 0.9 ? "good" : share >= 0.8 ? "warn" : "bad";
}
