/* Ticket list: rows update live from ticket/message events on the agent's queue rooms. */
"use strict";
(function () {
  var live = window.hubLive;
  var body = document.getElementById("tickets");
  var template = document.getElementById("ticket-row");
  var ACTIVE = { "new": 1, "open": 1, "pending": 1 };
  var RANK = { urgent: 0, high: 1, normal: 2, low: 3 };

  function fill(row, t) {
    row.dataset.id = t.id;
    row.dataset.rank = RANK[t.priority] === undefined ? 9 : RANK[t.priority];
    row.dataset.last = t.last_message_at;
    var cells = row.children;
    var link = cells[0].querySelector("a");
    link.href = "/console/tickets/" + t.id;
    link.textContent = t.id;
    cells[1].textContent = t.priority;
    cells[1].className = "prio prio-" + t.priority;
    cells[2].querySelector(".name").textContent = t.customer_name;
    var tier = cells[2].querySelector(".tier");
    tier.textContent = t.customer_tier;
    tier.className = "tier tier-" + t.customer_tier;
    cells[3].textContent = t.subject;
    cells[4].textContent = t.channel;
    cells[5].textContent = t.queue;
    cells[6].textContent = t.status;
    var time = cells[7].querySelector("time");
    time.dateTime = t.last_message_at;
    live.localTime(time);
  }

  function upsert(t, preview) {
    var row = body.querySelector('tr[data-id="' + t.id + '"]');
    if (!ACTIVE[t.status]) { if (row) { row.remove(); } count(); return; }
    if (!row || !row.querySelector(".name")) {
      var fresh = template.content.firstElementChild.cloneNode(true);
      if (row) { row.replaceWith(fresh); } else { body.appendChild(fresh); }
      row = fresh;
    }
    fill(row, t);
    if (preview) { row.querySelector(".subject").title = preview; row.classList.add("fresh"); }
    sort();
    count();
  }

  function sort() {
    var rows = Array.prototype.slice.call(body.children);
    rows.sort(function (a, b) {
      return (a.dataset.rank - b.dataset.rank) || (a.dataset.last < b.dataset.last ? -1 : a.dataset.last > b.dataset.last ? 1 : 0);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function count() { document.getElementById("count").textContent = body.children.length; }

  var socket = live.connect();
  socket.on("ticket", function (e) { upsert(e.ticket); });
  socket.on("message", function (e) {
    upsert(e.ticket, e.interaction.text);
    var row = body.querySelector('tr[data-id="' + e.ticket.id + '"]');
    if (row) { row.dataset.lastMessage = e.interaction.text; }
  });
})();
