/* Inbox: one store of the console's active tickets, fed by pushed events and replaced by a fetch on every
   (re)connect; views, filters and counts are computed from the store, so they never need a reload. */
"use strict";
(function () {
  var live = window.hubLive, t = live.t;
  var ACTIVE = { "new": 1, "open": 1, "pending": 1 };
  var AT_RISK_MS = 10 * 60 * 1000;
  var body = document.getElementById("tickets");
  var filters = document.getElementById("filters");
  var store = {};          // ticket id -> ticket
  var scope = { me: null, queues: [], supervisor: false, agents: {} };
  var view = "mine";
  var syncing = true, buffered = [], snapshotId = 0, scheduled = false;

  function newer(a, b) {   // is ticket a at least as recent as b?
    var d = Date.parse(a.updated_at) - Date.parse(b.updated_at);
    return d > 0 || (d === 0 && a.updated_at >= b.updated_at);
  }
  function inScope(tk) {
    return !!ACTIVE[tk.status] && (scope.queues.indexOf(tk.queue) >= 0 || (scope.me !== null && tk.assignee_id === scope.me));
  }
  function apply(tk) {
    var old = store[tk.id];
    if (old && !newer(tk, old)) { return; }
    if (inScope(tk)) { store[tk.id] = tk; } else { delete store[tk.id]; }
    schedule();
  }
  function onEvent(e) {
    if (syncing) { buffered.push(e); return; }
    apply(e.ticket);
  }
  function atRisk(tk, now) {
    return !tk.first_responded_at && tk.first_response_due_at && Date.parse(tk.first_response_due_at) - now < AT_RISK_MS;
  }
  function inView(tk, v) {
    if (v === "mine") { return tk.assignee_id === scope.me; }
    if (v === "queues") { return scope.queues.indexOf(tk.queue) >= 0; }
    if (v === "unassigned") { return tk.assignee_id === null; }
    return true;
  }
  function passes(tk, f, now) {
    return (!f.status || tk.status === f.status) && (!f.channel || tk.channel === f.channel) &&
      (!f.tier || tk.customer_tier === f.tier) && (!f.tag || (tk.tags || []).indexOf(f.tag) >= 0) &&
      (!f.sla || atRisk(tk, now));
  }
  function current() {
    return { status: filters.status.value, channel: filters.channel.value, tier: filters.tier.value,
      tag: filters.tag.value.trim(), sla: filters.sla.checked };
  }
  function schedule() {
    if (scheduled) { return; }
    scheduled = true;
    window.requestAnimationFrame(function () { scheduled = false; render(); });
  }
  function cell(row, text, cls) { var td = live.el("td", cls, text); row.appendChild(td); return td; }
  function timeCell(row, iso, cls) {
    var td = live.el("td", cls);
    if (iso) { var tm = live.el("time", null, iso); tm.dateTime = iso; live.localTime(tm); td.appendChild(tm); }
    row.appendChild(td);
    return td;
  }
  function render() {
    var f = current(), now = Date.now(), counts = { mine: 0, queues: 0, unassigned: 0, all: 0 }, rows = [];
    Object.keys(store).forEach(function (id) {
      var tk = store[id];
      if (!passes(tk, f, now)) { return; }
      for (var v in counts) { if (inView(tk, v)) { counts[v] += 1; } }
      if (inView(tk, view)) { rows.push(tk); }
    });
    document.querySelectorAll("[data-count]").forEach(function (n) { n.textContent = live.number(counts[n.dataset.count]); });
    rows.sort(live.byUrgency(now));
    var frag = document.createDocumentFragment();
    rows.slice(0, 500).forEach(function (tk) {
      var row = live.el("tr");
      row.dataset.id = tk.id;
      var first = live.el("td");
      var a = live.el("a", null, tk.id);
      a.href = "/console/tickets/" + tk.id;
      first.appendChild(a);
      row.appendChild(first);
      cell(row, t(tk.priority), "prio prio-" + tk.priority);
      var who = cell(row, tk.customer_name + " ");
      who.appendChild(live.el("span", "tier tier-" + tk.customer_tier, t(tk.customer_tier)));
      cell(row, tk.subject, "subject");
      cell(row, t(tk.channel));
      cell(row, tk.queue);
      var state = cell(row, t(tk.status), "status");
      if (tk.status === "pending" && tk.remind_at) {  // snoozed: when it opens again (hub/tickets/snooze.py)
        var until = live.el("time", "remind-at", tk.remind_at);
        until.dateTime = tk.remind_at;
        live.localTime(until);
        state.appendChild(document.createTextNode(" ⏰ "));
        state.appendChild(until);
      }
      cell(row, tk.assignee_id ? (scope.agents[tk.assignee_id] || "#" + tk.assignee_id) : "—", "assignee");
      var due = timeCell(row, tk.first_responded_at ? null : tk.first_response_due_at, "due");
      if (atRisk(tk, now)) { due.classList.add("at-risk"); due.title = t("SLA at risk"); }
      timeCell(row, tk.last_message_at);
      frag.appendChild(row);
    });
    body.textContent = "";
    body.appendChild(frag);
    document.getElementById("empty").hidden = rows.length > 0;
  }
  function resync(socket) {
    syncing = true;
    buffered = [];
    return live.api("GET", "/api/v1/console/inbox").then(function (state) {
      scope = { me: state.me, queues: state.queues, supervisor: state.supervisor, agents: state.agents };
      store = {};
      state.tickets.forEach(function (tk) { store[tk.id] = tk; });
      snapshotId = state.event_id;
      document.getElementById("truncated").hidden = !state.truncated;
      // Events that raced the fetch: only those newer than the state it returned.
      buffered.forEach(function (e) { if (e.eid > snapshotId) { apply(e.ticket); } });
      buffered = [];
      syncing = false;
      window.hubInbox.syncs += 1;
      render();
    }).catch(function () { setTimeout(function () { if (socket.connected) { resync(socket); } }, 2000); });
  }
  document.querySelector(".views").addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-view]");
    if (!b) { return; }
    view = b.dataset.view;
    document.querySelectorAll("[data-view]").forEach(function (x) { x.setAttribute("aria-selected", String(x === b)); });
    render();
  });
  filters.addEventListener("input", render);
  filters.addEventListener("submit", function (ev) { ev.preventDefault(); });
  setInterval(render, 30000);
  var own = document.getElementById("own-limits");
  if (own) {
    // How many at a time the agent takes on each channel today: never more than they are allowed.
    own.addEventListener("change", function () {
      var body = {}, msg = document.getElementById("limits-msg");
      own.querySelectorAll("input").forEach(function (i) { if (i.value !== i.max) { body[i.name] = Number(i.value); } });
      live.api("PUT", "/api/v1/agents/me/limits", body).then(function () { msg.textContent = t("Saved"); msg.className = "ok"; })
        .catch(function (err) { msg.textContent = err.message; msg.className = "error"; });
    });
  }  // "at risk" depends on the clock too
  live.onKey("n", function () {
    var first = body.querySelector("tr a");
    if (first) { window.location.href = first.href; }
  });
  window.hubInbox = {
    syncs: 0,
    // For tests and debugging: the store as [id, status, assignee, queue, priority], by id.
    snapshot: function () {
      return Object.keys(store).map(Number).sort(function (a, b) { return a - b; }).map(function (id) {
        var tk = store[id];
        return [tk.id, tk.status, tk.assignee_id, tk.queue, tk.priority, tk.updated_at];
      });
    },
    synced: function () { return !syncing && buffered.length === 0; }
  };
  var socket = live.connect();
  socket.on("connect", function () { resync(socket); });
  live.on("ticket", onEvent);
  live.on("message", onEvent);
})();
