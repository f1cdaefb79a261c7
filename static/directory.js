/* Directory: search the yellow pages; from a ticket, consult a colleague (a note that mentions them) or transfer. */
"use strict";
(function () {
  var live = window.hubLive, t = live.t, el = live.el;
  var data = JSON.parse(document.getElementById("directory-data").textContent);
  var form = document.getElementById("search"), status = document.getElementById("dir-status");
  var body = document.querySelector("#people tbody");
  function say(text, bad) { status.textContent = text; status.className = bad ? "error" : "ok"; }
  function act(label, fn) {
    var b = el("button", "link", label);
    b.type = "button";
    b.addEventListener("click", function () { fn().catch(function (err) { say(err.message, true); }); });
    return b;
  }
  function show(agents) {
    body.textContent = "";
    if (!agents.length) { var r = el("tr"); r.appendChild(el("td", "muted", t("Nobody matches."))); body.appendChild(r); return; }
    agents.forEach(function (a) {
      var row = el("tr");
      row.dataset.agent = a.id;
      row.appendChild(el("td", null, a.display_name));
      row.appendChild(el("td", "presence-" + a.presence, t(a.presence)));
      row.appendChild(el("td", null, a.skills.map(function (s) { return s.skill + " (" + t("level %(n)s", { n: s.level }) + ")"; }).join(", ")));
      row.appendChild(el("td", null, (a.languages || []).join(", ")));
      row.appendChild(el("td", null, (a.topics || []).join(", ")));
      var proof = Object.keys(a.evidence || {}).map(function (k) { return k + ": " + live.number(a.evidence[k].resolved || 0); });
      row.appendChild(el("td", null, proof.join(", ")));
      var actions = el("td");
      if (data.ticket && a.id !== data.me) {
        actions.appendChild(act(t("Consult"), function () {
          return live.api("POST", "/api/v1/tickets/" + data.ticket.id + "/replies", {
            text: "@" + a.display_name.replace(/\s+/g, "") + " " + t("Consult requested"), internal: true, mentions: [a.id]
          }).then(function () { say(t("Consult requested") + ": " + a.display_name); });
        }));
        actions.appendChild(document.createTextNode(" "));
        actions.appendChild(act(t("Transfer here"), function () {
          return live.api("PATCH", "/api/v1/tickets/" + data.ticket.id, { assignee_id: a.id })
            .then(function () { say(t("Transferred") + ": " + a.display_name); });
        }));
      }
      row.appendChild(actions);
      body.appendChild(row);
    });
  }
  function search() {
    var params = new URLSearchParams();
    ["q", "skill", "min_level", "language", "channel"].forEach(function (k) { if (form[k].value) { params.set(k, form[k].value); } });
    if (form.available.checked) { params.set("available", "1"); }
    return live.api("GET", "/api/v1/agents?" + params.toString()).then(function (r) { show(r.agents); })
      .catch(function (err) { say(err.message, true); });
  }
  form.addEventListener("submit", function (ev) { ev.preventDefault(); search(); });
  var toQueue = document.getElementById("to-queue");
  if (toQueue) {
    toQueue.addEventListener("submit", function (ev) {
      ev.preventDefault();
      live.api("PATCH", "/api/v1/tickets/" + data.ticket.id, { queue: toQueue.queue.value, assignee_id: null })
        .then(function () { say(t("Transferred") + ": " + toQueue.queue.value); }).catch(function (err) { say(err.message, true); });
    });
  }
  live.connect();
  search();
})();
