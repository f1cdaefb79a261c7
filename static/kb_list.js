/* Knowledge list: review queue, drafts, published, review due, retired; and the gap report. */
"use strict";
(function () {
  var live = window.hubLive, t = live.t, el = live.el;
  var all = [], due = [], filter = "in_review";
  var errorLine = document.getElementById("kb-error");
  function title(a) { return (a.working || a.live || {}).title || ""; }
  function updated(a) { return (a.working || a.live || {}).updated_at; }
  function rows() {
    if (filter === "review_due") { return due; }
    return all.filter(function (a) { return !filter || a.status === filter; });
  }
  function render() {
    var counts = { "": all.length, review_due: due.length };
    all.forEach(function (a) { counts[a.status] = (counts[a.status] || 0) + 1; });
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
      r.appendChild(el("td", "status", t(a.status)));
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
  live.api("GET", "/api/v1/knowledge/gaps").then(function (r) {
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
  }).catch(function (err) { errorLine.textContent = err.message; });
})();
