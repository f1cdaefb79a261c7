/** The workspace's customer pages in place of its three panes: the list or one profile (the panes stay
 * mounted underneath, so offers, drafts and the live connection carry on). */
import "../customers.css";
import { useEffect } from "preact/hooks";
import { t } from "../../shared/i18n";
import { page, profile } from "../customers";
import { CustomerList } from "./CustomerList";
import { CustomerProfile } from "./CustomerProfile";

export function CustomerPages() {
  const p = page.value;
  const name = p.kind === "customer" && profile.value?.id === p.id ? profile.value.customer.name : "";
  useEffect(() => {
    document.getElementById("app")?.setAttribute("data-page", p.kind);
    if (p.kind === "work") return;
    document.title = `${p.kind === "customer" ? name || t("Customer profile") : t("Customers")} · hub`;
  }, [p, name]);
  if (p.kind === "work") return null;
  return <main id="customers-main" class="cust-main">{p.kind === "customers" ? <CustomerList /> : <CustomerProfile id={p.id} />}</main>;
}
