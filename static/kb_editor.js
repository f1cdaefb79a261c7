/* Article editor: drafts saved with their revision (a conflict never overwrites), live preview rendered by
   the hub's own sanitizer, lifecycle actions, versions with diff and restore. */
"use strict";
(function () {
  var live = window.hubLive, t = live.t, el = live.el;
  var page = JSON.parse(document.getElementById("article-data").textContent), id = page.id;
  var form = document.getElementById("editor"), msg = document.getElementById("art-msg");
  var revision = null, previewTimer = null;
  function say(text, bad) { msg.textContent = text; msg.className = bad ? "error" : "ok"; }
  function fields() {
    return { title: form.title.value, short_answer: form.short_answer.value, body: form.body.value,
      category: form.category.value, locale: form.locale.value, review_by: form.review_by.value || null,
      tags: form.tags.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean) };
  }
  function preview() {
    live.api("POST", "/api/v1/knowledge/preview", { body: form.body.value }).then(function (r) {
      // Sanitized by the hub (the same cleaning as published articles): markup only, never script.
      document.getElementById("preview").innerHTML = r.html;
    }).catch(function () {});
  }
  function enable(button, on) { var b = document.getElementById(button); if (b) { b.disabled = !on; } } // curators' only
  function show(a) {
    var v = a.working || a.live || {}, next = a.working ? a.working.status : null;
    revision = a.working ? a.working.revision : null;
    form.title.value = v.title || "";
    form.short_answer.value = v.short_answer || "";
    form.body.value = v.body || "";
    form.category.value = v.category || "";
    form.tags.value = (v.tags || []).join(", ");
    form.locale.value = a.locale;
    form.locale.disabled = true;
    form.review_by.value = a.review_by || "";
    var st = document.getElementById("art-status");
    st.textContent = t(a.status);
    st.dataset.status = a.status;
    // A published article stays published while its next version is drafted: that version's state beside it.
    var also = document.getElementById("next-status");
    also.hidden = !(next && next !== a.status);
    also.dataset.status = next || "";
    also.textContent = !also.hidden ? (next === "in_review" ? t("version %(n)s in review", { n: a.working.number })
      : t("version %(n)s drafted", { n: a.working.number })) : "";
    enable("submit-review", next === "draft");
    enable("approve", next === "in_review");
    enable("reject", next === "in_review");
    enable("archive", a.status !== "archived");
    preview();
    versions();
  }
  function load() { return live.api("GET", "/api/v1/knowledge/articles/" + id).then(show); }
  function versions() {
    live.api("GET", "/api/v1/knowledge/articles/" + id + "/versions").then(function (r) {
      var body = document.querySelector("#versions tbody");
      body.textContent = "";
      r.versions.forEach(function (v) {
        var row = el("tr");
        row.dataset.version = v.number;
        row.appendChild(el("td", null, v.number));
        row.appendChild(el("td", null, t(v.status)));
        row.appendChild(el("td", null, v.title));
        var when = el("td"); var tm = el("time"); tm.dateTime = v.updated_at; live.localTime(tm); when.appendChild(tm); row.appendChild(when);
        var c = el("td");
        row.appendChild(c);
        body.appendChild(row);
        if (!page.curator) { return; } // restoring makes a draft only a curator may start from an old version
        var restore = el("button", "link", t("Restore"));
        restore.type = "button";
        restore.addEventListener("click", function () {
          live.api("POST", "/api/v1/knowledge/articles/" + id + "/restore", { version: v.number })
            .then(function (a) { say(t("Restored as a new draft")); show(a); }).catch(function (err) { say(err.message, true); });
        });
        c.appendChild(restore);
      });
      var diff = document.getElementById("diff-form");
      if (r.versions.length > 1 && !diff.from.value) {
        diff.from.value = r.versions[r.versions.length - 2].number;
        diff.to.value = r.versions[r.versions.length - 1].number;
      }
    });
  }
  form.body.addEventListener("input", function () { clearTimeout(previewTimer); previewTimer = setTimeout(preview, 300); });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var data = fields();
    if (!id) {
      live.api("POST", "/api/v1/knowledge/articles", data).then(function (a) {
        window.location.href = "/console/knowledge/" + a.id;
      }).catch(function (err) { say(err.message, true); });
      return;
    }
    delete data.locale;
    data.revision = revision;
    live.api("PUT", "/api/v1/knowledge/articles/" + id, data).then(function (a) { say(t("Saved")); show(a); })
      .catch(function (err) { say(err.message, true); });
  });
  document.querySelector(".actions").addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-action]");
    if (!b || !id) { return; }
    var body = {};
    if (b.dataset.action === "reject") { body.reason = window.prompt(t("Why does it go back?")) || ""; }
    var done = { submit: "Submitted for review", approve: "Published", reject: "Saved", archive: "Retired" }[b.dataset.action];
    live.api("POST", "/api/v1/knowledge/articles/" + id + "/" + b.dataset.action, body)
      .then(function (a) { say(t(done)); show(a); }).catch(function (err) { say(err.message, true); });
  });
  document.getElementById("diff-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = ev.target;
    live.api("GET", "/api/v1/knowledge/articles/" + id + "/diff?from=" + f.from.value + "&to=" + f.to.value)
      .then(function (r) { document.getElementById("diff").textContent = r.diff || t("No changes."); })
      .catch(function (err) { say(err.message, true); });
  });
  if (id) { load().catch(function (err) { say(err.message, true); }); } else {
    var q = new URLSearchParams(window.location.search);
    form.title.value = q.get("title") || "";
    if (q.get("locale")) { form.locale.value = q.get("locale"); }
    ["submit-review", "approve", "reject", "archive"].forEach(function (b) { enable(b, false); });
  }
})();
