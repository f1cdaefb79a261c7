/* Wallboard: the state is fetched on every (re)connect and replaced by each pushed figure set (once a second
   at most); reassigning and re-prioritising go over REST and show up in the next push. */
"use strict";
(function () {
  var live = window.hubLive, t = live.t, el = live.el;
  var agents = JSON.parse(document.getElementById("wallboard-data").textContent).agents;
  var lastEid = 0;
  var errorLine = document.getElementById("wall-error");
  function duration(s) {
    if (s < 60) { return t("%(s)s s", { s: s }); }
    var m = Math.floor(s / 60);
    return m < 60 ? m + " min" : Math.floor(m / 60) + " h " + (m % 60) + " min";
  }
  function pct(x) { return x === null || x === undefined ? "—" : Math.round(x * 100) + "%"; }
  function row(cells) {
    var tr = el("tr");
    cells.forEach(function (c) { var td = el("td"); if (c instanceof Node) { td.appendChild(c); } else { td.textContent = c; } tr.appendChild(td); });
    return tr;
  }
  function fill(id, rows) {
    var body = document.querySelector("#" + id + " tbody");
    body.textContent = "";
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function figures(id, obj, translate) {
    var list = document.getElementById(id);
    list.textContent = "";
    Object.keys(obj).forEach(function (k) { list.appendChild(el("li", null, (translate ? t(k) : k) + ": " + live.number(obj[k]))); });
  }
  function link(tk) { var a = el("a", null, "#" + tk.id); a.href = "/console/tickets/" + tk.id; return a; }
  function change(id, body) {
    errorLine.textContent = "";
    return live.api("PATCH", "/api/v1/tickets/" + id, body).catch(function (err) { errorLine.textContent = "#" + id + ": " + err.message; });
  }
  function agentPicker(tk, label) {
    var select = el("select");
    select.setAttribute("aria-label", label + " #" + tk.id);
    select.dataset.ticket = tk.id;
    select.appendChild(el("option", null, "—"));
    agents.forEach(function (a) {
      var o = el("option", null, a.name);
      o.value = a.id;
      if (a.id === tk.assignee_id) { o.selected = true; }
      select.appendChild(o);
    });
    select.addEventListener("change", function () { if (select.value) { change(tk.id, { assignee_id: Number(select.value) }); } });
    return select;
  }
  function priorityPicker(tk) {
    var select = el("select");
    select.setAttribute("aria-label", t("Priority") + " #" + tk.id);
    ["urgent", "high", "normal", "low"].forEach(function (p) {
      var o = el("option", null, t(p)); o.value = p; if (p === tk.priority) { o.selected = true; } select.appendChild(o);
    });
    select.addEventListener("change", function () { change(tk.id, { priority: select.value }); });
    return select;
  }
  var pending = null;
  function show(w) {
    if (w.eid && w.eid < lastEid) { return; }
    var focus = document.activeElement;
    if (focus && focus.tagName === "SELECT" && document.getElementById("main").contains(focus)) {
      // Never pull a list out from under the supervisor's hand: show the newest figures when they are done.
      pending = w;
      focus.addEventListener("blur", function () { if (pending) { var p = pending; pending = null; show(p); } }, { once: true });
      return;
    }
    lastEid = w.eid || w.event_id || lastEid;
    document.getElementById("as-of").textContent = new Intl.DateTimeFormat(live.lang, { timeStyle: "medium" }).format(new Date(w.at));
    fill("queues", w.queues.map(function (q) {
      var tiers = Object.keys(q.by_tier).map(function (k) { return t(k) + " " + q.by_tier[k]; }).join(", ");
      var r = row([q.queue, live.number(q.waiting), tiers || "—", duration(q.longest_wait_s), live.number(q.sla_at_risk),
        live.number(q.sla_breached), pct(q.service_level)]);
      r.dataset.queue = q.queue;
      if (q.sla_breached) { r.classList.add("breached"); }
      return r;
    }));
    figures("by-tier", w.waiting_by_tier || {}, true);
    figures("by-skill", w.waiting_by_skill || {}, false);
    figures("by-state", w.agents || {}, true);
    fill("staff", (w.staff || []).map(function (a) { return row([a.name, t(a.status), a.load + " / " + a.capacity, pct(a.occupancy)]); }));
    fill("waiting", (w.waiting || []).map(function (tk) {
      var r = row([link(tk), tk.customer_name + " · " + t(tk.customer_tier), tk.subject, tk.queue,
        duration(Math.max(0, Math.round((Date.parse(w.at) - Date.parse(tk.created_at)) / 1000))), priorityPicker(tk),
        agentPicker(tk, t("Assign to"))]);
      r.dataset.ticket = tk.id;
      return r;
    }));
    fill("live-conversations", (w.live_conversations || []).map(function (tk) {
      var open = el("a", null, t("Coach") + " / " + t("Take over"));
      open.href = "/console/tickets/" + tk.id;
      var r = row([link(tk), tk.customer_name, t(tk.channel), (agents.filter(function (a) { return a.id === tk.assignee_id; })[0] || {}).name || "—",
        agentPicker(tk, t("Reassign")), open]);
      r.dataset.ticket = tk.id;
      return r;
    }));
  }
  window.hubWallboard = { show: show };
  var socket = live.connect();
  socket.on("connect", function () {
    live.api("GET", "/api/v1/console/wallboard").then(show).catch(function (err) { errorLine.textContent = err.message; });
  });
  live.on("queue_stats", show);
})();
