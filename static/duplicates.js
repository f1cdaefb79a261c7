/* Duplicate panel on the ticket view: customers who are probably this one, with the score and its evidence
   (each signal strong, medium, weak or against). Nothing merges by itself: the agent decides, and confirms. */
"use strict";
(function () {
  var live = window.hubLive;
  var panel = document.getElementById("duplicates");
  if (!panel) { return; }
  var customer = panel.getAttribute("data-customer");
  var list = panel.querySelector(".dup-list");
  var toggle = panel.querySelector(".dup-look-alikes");
  var lookAlikes = false;

  function signalItem(s) {
    // Points are log-odds: positive for one person, negative against; shown so agents see how much each counts.
    var points = (s.points > 0 ? "+" : "") + s.points;
    var item = live.el("li", "dup-signal dup-" + s.strength, s.detail + " ");
    item.appendChild(live.el("span", "dup-strength", live.t(s.strength) + " " + points));
    return item;
  }

  function merge(d, button) {
    var question = live.t("Merge this customer into %(name)s (#%(id)s)? Undo stays possible.",
                          { name: d.name, id: d.customer_id });
    if (!window.confirm(question)) { return; }
    button.disabled = true;
    live.api("POST", "/api/v1/customers/" + customer + "/merge", { into: d.customer_id })
      .then(function () { window.location.reload(); })
      .catch(function (err) { button.disabled = false; button.title = err.message; });
  }

  function show(body) {
    list.textContent = "";
    var found = body.duplicates || [];
    if (!found.length) {
      list.appendChild(live.el("li", "muted", lookAlikes ? live.t("No look-alike either.") : live.t("No probable duplicate.")));
      return;
    }
    found.forEach(function (d) {
      var likely = d.score >= body.threshold;
      var item = live.el("li", "dup-item" + (likely ? "" : " dup-unlikely"));
      var head = live.el("div", "dup-head");
      head.appendChild(live.el("span", "dup-name", d.name + " #" + d.customer_id));
      head.appendChild(live.el("span", "dup-score dup-" + d.basis,
                               d.score + "% · " + live.t("%(basis)s evidence", { basis: live.t(d.basis) })));
      item.appendChild(head);
      var signals = live.el("ul", "dup-signals");
      (d.signals || []).forEach(function (s) { signals.appendChild(signalItem(s)); });
      item.appendChild(signals);
      if (likely) {
        var button = live.el("button", "dup-merge", live.t("Merge into this one"));
        button.type = "button";
        button.addEventListener("click", function () { merge(d, button); });
        item.appendChild(button);
      }
      list.appendChild(item);
    });
  }

  function load() {
    var path = "/api/v1/customers/" + customer + "/duplicates" + (lookAlikes ? "?min_score=1" : "");
    live.api("GET", path).then(show).catch(function () {
      list.textContent = "";
      list.appendChild(live.el("li", "muted", live.t("Duplicates could not be loaded.")));
    });
  }

  if (toggle) {
    toggle.addEventListener("change", function () { lookAlikes = toggle.checked; load(); });
  }
  load();
})();
