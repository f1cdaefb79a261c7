"""Messages of the workspace's customer pages and list previews (web/console/components/Customer*.tsx):
listed for the catalog extraction and handed to the browser with the workspace's other strings."""

from __future__ import annotations

from hub.agent_console.js_strings import N_

CUSTOMER_STRINGS: tuple[str, ...] = (
    N_("Unnamed customer"),
    N_("%(num)s open"),
    N_("no contact yet"),
    N_("Search customers"),
    N_("Name, pinyin, e-mail, phone or WeChat"),
    N_("All tiers"),
    N_("Customers could not be loaded."),
    N_("No customer matches."),
    N_("No customers yet."),
    N_("tier set by hand"),
    N_("speaks %(language)s"),
    N_("customer since %(date)s"),
    N_("Notes"),
    N_("verified"),
    N_("unverified"),
    N_("All customers"),
    N_("Customer profile"),
    N_("This record was merged into another customer."),
    N_("Open that profile"),
    N_("Set by value rules (now %(tier)s)"),
    N_("What colleagues should know about this customer"),
    N_("Solved and closed"),
    N_("Open tickets"),
    N_("None solved yet."),
    N_("Nothing open."),
    N_("Show older"),
    N_("Satisfaction surveys"),
    N_("No survey answered yet."),
    N_("%(n)s of 5"),
    N_("Our reply"),
    N_("Edit"),
    N_("Name"),
    N_("Nothing recorded yet."),
)
