/** The reports page: a period, the key figures, volume by channel and day, SLA, satisfaction and first answer
 *  by tier (most valuable tier first), figures by agent, and the same figures as a CSV for a spreadsheet. */
import { Download } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { boot } from "../boot";
import { BarChart } from "../charts/BarChart";
import { ColumnChart } from "../charts/ColumnChart";
import { durationTicks } from "../charts/scale";
import { decimal, duration, num, share, shortDuration } from "../format";
import { byTierValue, channelName, valueName } from "../labels";
import { fromAddress, query, toAddress } from "./period";
import { RangePicker } from "./RangePicker";
import type { Figures, Group, Period } from "./types";

function Kpis({ total }: { total: Group }) {
  const surveys = t("%(n)s surveys", { n: num(total.surveys) });
  const items: [string, string, ComponentChildren][] = [
    ["tickets", t("Tickets"), num(total.tickets)],
    ["first-median", t("First response (median)"), duration(total.first_response_median_s)],
    ["first-p90", t("First response (90th percentile)"), duration(total.first_response_p90_s)],
    ["handle", t("Handle time (median)"), duration(total.handle_median_s)],
    ["sla", t("SLA attainment"), share(total.sla_attainment)],
    ["csat", t("Satisfaction"), total.csat === null ? "—" : <>{decimal(total.csat)}<small>/ 5 · {surveys}</small></>],
  ];
  return (
    <dl class="kpi-grid">
      {items.map(([id, label, value]) => (
        <div key={id} class="kpi">
          <dt>{label}</dt>
          <dd id={`kpi-${id}`}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ByAgent({ rows }: { rows: Figures["by_agent"] }) {
  return (
    <section class="card" aria-labelledby="agents-title">
      <h2 id="agents-title">{t("By agent")}</h2>
      {rows.length === 0 ? (
        <p class="muted">{t("No agent handled a ticket in this period.")}</p>
      ) : (
        <div class="table-wrap">
          <table class="grid cards-on-phone" id="by-agent">
            <thead>
              <tr>
                <th scope="col">{t("Agent")}</th>
                <th scope="col">{t("Tickets")}</th>
                <th scope="col">{t("First response (median)")}</th>
                <th scope="col">{t("Handle time (median)")}</th>
                <th scope="col">{t("SLA attainment")}</th>
                <th scope="col">{t("Satisfaction")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.agent_id}>
                  <th scope="row">{a.name}</th>
                  <td data-label={t("Tickets")}>{num(a.tickets)}</td>
                  <td data-label={t("First response (median)")}>{duration(a.first_response_median_s)}</td>
                  <td data-label={t("Handle time (median)")}>{duration(a.handle_median_s)}</td>
                  <td data-label={t("SLA attainment")}>{share(a.sla_attainment)}</td>
                  <td data-label={t("Satisfaction")}>{decimal(a.csat)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Charts({ figures }: { figures: Figures }) {
  const tiers = byTierValue(Object.entries(figures.by_tier));
  const series = figures.channels.map((c) => ({ key: c, label: channelName(c) }));
  const days = figures.volume.map((v) => v.day);
  return (
    <>
      <section class="card">
        <ColumnChart id="volume-chart" title={t("Volume by channel and day")} days={days} series={series}
          value={(i, key) => Number(figures.volume[i]?.[key] ?? 0)} />
      </section>
      <div class="columns three">
        <section class="card">
          <BarChart id="sla-by-tier" title={t("SLA attainment by tier")} axis={() => [0, 0.25, 0.5, 0.75, 1]} tick={share}
            bars={tiers.map(([tier, g]) => ({ key: tier, label: valueName(tier), value: g.sla_attainment, text: share(g.sla_attainment) }))} />
        </section>
        <section class="card">
          <BarChart id="csat-by-tier" title={t("Satisfaction by tier")} axis={() => [0, 1, 2, 3, 4, 5]} tick={num}
            bars={tiers.map(([tier, g]) => ({ key: tier, label: valueName(tier), value: g.csat, text: decimal(g.csat) }))} />
        </section>
        <section class="card">
          <BarChart id="first-by-tier" title={t("First response by tier (median)")} tick={shortDuration}
            axis={(h) => durationTicks(h, 3)}
            bars={tiers.map(([tier, g]) => ({ key: tier, label: valueName(tier), value: g.first_response_median_s, text: shortDuration(g.first_response_median_s) }))} />
        </section>
      </div>
    </>
  );
}

export function Reports() {
  const [period, setPeriod] = useState<Period>(fromAddress());
  const [figures, setFigures] = useState<Figures | null>(null);
  const [problem, setProblem] = useState("");
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let current = true;
    setLoading(true);
    api<Figures>("GET", `/api/v1/reports?${query(period)}`)
      .then((f) => current && (setFigures(f), setProblem("")))
      .catch((err: Error) => current && setProblem(err.message))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [period.since, period.until]);
  const choose = (p: Period) => {
    toAddress(p);
    setPeriod(p);
  };
  return (
    <main id="main" class="sup-main reports" aria-busy={loading}>
      <div class="page-head">
        <h1>{t("Reports")}</h1>
        <a class="button" id="export-csv" href={`/api/v1/reports?${query(period)}&format=csv`} download>
          <Download size={16} aria-hidden="true" /> {t("Export CSV")}
        </a>
      </div>
      <RangePicker period={period} maxDays={boot.max_days} onChange={choose} />
      {problem && <p class="error" role="alert">{problem}</p>}
      {figures && (
        <>
          <Kpis total={figures.total} />
          <Charts figures={figures} />
          <ByAgent rows={figures.by_agent} />
        </>
      )}
    </main>
  );
}
