/* Knowledge list: review queue, drafts, published, review due, retired; and the gap report. */
"use strict";
(function () {
  var live = window.hubLive, t = live.t, el = live.el;
  var all = [], due = [], filter = "in_review";
  var errorLine = document.getElementById("kb-error");
  function title(a) { return (a.working || a.live || {}).title || ""; }
  function updated(a) { return (a.working || a.live || {}).updated_at; }
  function nextLabel(a) {
    var n = { n: a.working.number };
    return a.working_status === "in_review" ? t("version %(n)s in review", n) : t("version %(n)s drafted", n);
  }
  function rows() {
    if (filter === "review_due") { return due; }
    // A published article whose next version is a draft (or in review) shows under both.
    return all.filter(function (a) { return !filter || a.status === filter || a.working_status === filter; });
  }
  function render() {
    var counts = { "": all.length, review_due: due.length };
    all.forEach(function (a) {
      counts[a.status] = (counts[a.status] || 0) + 1;
      if (a.working_status && a.working_status !== a.status) { counts[a.working_status] = (counts[a.working_status] || 0) + 1; }
    });
    document.querySelectorAll("[data-count]").forEach(function (n) { n.textContent = live.number(counts[n.dataset.count] || 0); });
    var body = document.querySelector("#articles tbody");
    body.textContent = "";
    rows().forEach(function (a) {
      var r = el("tr");
      r.dataset.article = a.id;
      var link = el("a", null, a.id);
      link.href = "/console/knowledge/" + a.id;
      var first = el("td"); first.appendChild(link); r.appendChild(first);
      var name = el("td"); var l2 = el("a", null, title(a)); l2.href = link.href; name.appendChild(l2); r.appendChild(name);
      r.appendChild(el("td", null, a.locale));
      var state = el("td", "status", t(a.status));
      if (a.working_status && a.working_status !== a.status) { state.appendChild(el("span", "muted", " · " + nextLabel(a))); }
      r.appendChild(state);
      r.appendChild(el("td", null, a.review_by || "—"));
      var when = el("td"); var tm = el("time"); tm.dateTime = updated(a); live.localTime(tm); when.appendChild(tm); r.appendChild(when);
      body.appendChild(r);
    });
  }
  document.querySelector(".views").addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-filter]");
    if (!b) { return; }
    filter = b.dataset.filter;
    document.querySelectorAll("[data-filter]").forEach(function (x) { x.setAttribute("aria-selected", String(x === b)); });
    render();
  });
  Promise.all([live.api("GET", "/api/v1/knowledge/articles?limit=500"), live.api("GET", "/api/v1/knowledge/articles?review_due=1&limit=500")])
    .then(function (r) { all = r[0].articles; due = r[1].articles; render(); })
    .catch(function (err) { errorLine.textContent = err.message; });
  // The gap report is for knowledge managers and supervisors: agents' list has none.
  if (document.getElementById("gaps")) { live.api("GET", "/api/v1/knowledge/gaps").then(function (r) {
    var body = document.querySelector("#gaps tbody");
    r.gaps.forEach(function (g) {
      var row = el("tr");
      row.appendChild(el("td", null, g.question));
      row.appendChild(el("td", null, g.locale));
      row.appendChild(el("td", null, live.number(g.count)));
      var when = el("td"); if (g.last_seen) { var tm = el("time"); tm.dateTime = g.last_seen; live.localTime(tm); when.appendChild(tm); } row.appendChild(when);
      var write = el("a", null, t("Write an answer"));
      write.href = "/console/knowledge/new?title=" + encodeURIComponent(g.question) + "&locale=" + encodeURIComponent(g.locale);
      var c = el("td"); c.appendChild(write); row.appendChild(c);
      body.appendChild(row);
    });
  }).catch(function (err) { errorLine.textContent = err.message; }); }
})();
