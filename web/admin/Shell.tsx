/** The admin area's frame: the list of admin pages (tabs on a phone) and the page the address names. */
import { CalendarDays, KeyRound, ListChecks, type LucideIcon, ScrollText, Users, Webhook } from "lucide-preact";
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../shared/i18n";
import { boot } from "./boot";
import { AgentsPage } from "./pages/AgentsPage";
import { AuditPage } from "./pages/AuditPage";
import { CalendarsPage } from "./pages/CalendarsPage";
import { QueuesPage } from "./pages/QueuesPage";
import { TokensPage } from "./pages/TokensPage";
import { WebhooksPage } from "./pages/WebhooksPage";

interface PageInfo {
  label: string;
  icon: LucideIcon;
  view: ComponentType;
}

const PAGES: Record<string, PageInfo> = {
  agents: { label: "Agents", icon: Users, view: AgentsPage },
  queues: { label: "Queues", icon: ListChecks, view: QueuesPage },
  tokens: { label: "API tokens", icon: KeyRound, view: TokensPage },
  webhooks: { label: "Webhooks", icon: Webhook, view: WebhooksPage },
  audit: { label: "Audit log", icon: ScrollText, view: AuditPage },
  calendars: { label: "Calendars", icon: CalendarDays, view: CalendarsPage },
};

function pageOf(path: string): string {
  const name = path.replace(/^\/console\/admin\/?/, "").split("/")[0] || boot.pages[0] || "agents";
  return PAGES[name] ? name : "agents";
}

export function Shell() {
  const [current, setCurrent] = useState(pageOf(location.pathname));
  useEffect(() => {
    const back = () => setCurrent(pageOf(location.pathname));
    window.addEventListener("popstate", back);
    return () => window.removeEventListener("popstate", back);
  }, []);
  useEffect(() => {
    document.title = `${t(PAGES[current]?.label ?? "Admin")} · ${t("Admin")} · hub`;
  }, [current]);
  const go = (name: string) => (event: MouseEvent) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    history.pushState(null, "", `/console/admin/${name}`);
    setCurrent(name);
    document.getElementById("main")?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  };
  const View = (PAGES[current] ?? PAGES.agents!).view;
  return (
    <div class="adm-layout">
      <nav class="adm-side" aria-label={t("Admin pages")}>
        {boot.pages.map((name) => {
          const info = PAGES[name];
          if (!info) return null;
          const Icon = info.icon;
          return (
            <a
              key={name}
              href={`/console/admin/${name}`}
              aria-current={name === current ? "page" : undefined}
              onClick={go(name)}
            >
              <Icon size={18} aria-hidden="true" />
              <span>{t(info.label)}</span>
            </a>
          );
        })}
      </nav>
      <main id="main" class="adm-main" tabIndex={-1} aria-labelledby="page-title">
        <View key={current} />
      </main>
    </div>
  );
}
