/* The composer: channel choice with that channel's limits, notes with @mentions, coaching, macros, sending. */
"use strict";
(function () {
  var live = window.hubLive, t = live.t;
  var data = JSON.parse(document.getElementById("ticket-data").textContent);
  var form = document.getElementById("reply");
  var box = form.text, limits = document.getElementById("limits"), errorBox = document.getElementById("reply-error");
  var pick = document.getElementById("mention-pick");
  var GSM = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-.\/0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\\[~\]|€]*$/;
  var mentions = [];
  var picked = [];  // files uploaded for this message: {storage_key, filename, content_type, size}
  var filesInput = document.getElementById("reply-files"), pickedList = document.getElementById("picked");
  var typingTimer = null;
  var socket = live.connect();

  function ticket() { return window.hubTicket.ticket(); }
  function internal() { return form.internal.checked || (form.coach && form.coach.checked); }
  function bytes(s) { return new TextEncoder().encode(s).length; }
  function segments(s) {
    if (!s) { return 0; }
    var gsm = GSM.test(s), one = gsm ? 160 : 70, many = gsm ? 153 : 67;
    return s.length <= one ? 1 : Math.ceil(s.length / many);
  }
  function showLimits() {
    var text = box.value, rule = data.channels[form.channel.value] || {}, parts = [], over = false;
    if (internal()) { limits.textContent = t("Internal note: the customer does not see it."); limits.classList.remove("over"); return; }
    if (rule.max_chars) { parts.push(t("%(n)s / %(max)s characters", { n: text.length, max: rule.max_chars })); over = over || text.length > rule.max_chars; }
    if (rule.max_bytes) { var b = bytes(text); parts.push(t("%(n)s / %(max)s bytes", { n: b, max: rule.max_bytes })); over = over || b > rule.max_bytes; }
    if (rule.segments) { parts.push(t("%(n)s SMS", { n: segments(text) })); }
    if (rule.window_hours) { parts.push(t("replies only within %(h)s hours of the customer's last message", { h: rule.window_hours })); }
    limits.textContent = parts.join(" · ");
    limits.classList.toggle("over", over);
    form.querySelector('button[type="submit"]').disabled = over;
  }
  function mentionCandidates(word) {
    var w = word.toLowerCase();
    return Object.keys(data.agents).filter(function (id) {
      return Number(id) !== data.me && data.agents[id].toLowerCase().replace(/\s+/g, "").indexOf(w) === 0;
    }).slice(0, 6);
  }
  function showMentionPick() {
    var before = box.value.slice(0, box.selectionStart);
    var m = internal() ? /@([\w.\-\u4e00-\u9fff]*)$/.exec(before) : null;
    pick.textContent = "";
    if (!m) { pick.hidden = true; return; }
    var found = mentionCandidates(m[1]);
    found.forEach(function (id) {
      var li = live.el("li", null, data.agents[id]);
      li.setAttribute("role", "option");
      li.tabIndex = 0;
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault();
        var name = data.agents[id].replace(/\s+/g, "");
        box.value = before.slice(0, before.length - m[1].length) + name + " " + box.value.slice(box.selectionStart);
        if (mentions.indexOf(Number(id)) < 0) { mentions.push(Number(id)); }
        pick.hidden = true;
        box.focus();
      });
      pick.appendChild(li);
    });
    pick.hidden = !found.length;
  }
  box.addEventListener("input", function () {
    if (!box.value) { delete form.dataset.articles; } // emptied: no inserted article left in it
    showLimits();
    showMentionPick();
    if (!typingTimer) { socket.emit("typing", { ticket_id: ticket().id, typing: true, internal: internal() }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () {
      socket.emit("typing", { ticket_id: ticket().id, typing: false, internal: internal() });
      typingTimer = null;
    }, 2000);
  });
  form.addEventListener("change", showLimits);
  function showPicked() {
    pickedList.textContent = "";
    picked.forEach(function (a, i) {
      var li = live.el("li", null, a.filename + " (" + live.number(Math.ceil(a.size / 1024)) + " KB) ");
      var drop = live.el("button", "link", "×");
      drop.type = "button";
      drop.setAttribute("aria-label", a.filename);
      drop.addEventListener("click", function () { picked.splice(i, 1); showPicked(); });
      li.appendChild(drop);
      pickedList.appendChild(li);
    });
  }
  filesInput.addEventListener("change", function () {
    Array.prototype.forEach.call(filesInput.files, function (file) {
      var fd = new FormData();
      fd.append("file", file, file.name);
      fetch("/api/v1/attachments", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": live.csrf() }, body: fd })
        .then(function (r) {
          return r.json().then(function (d) {
            if (!r.ok) { throw new Error(d.error ? d.error.message : "upload failed"); }
            picked.push(d.attachment);
            showPicked();
          });
        }).catch(function (err) { errorBox.textContent = err.message; });
    });
    filesInput.value = "";
  });
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit(); }
  });
  live.onKey("r", function () { box.focus(); });
  document.getElementById("macro").addEventListener("change", function (ev) {
    var id = ev.target.value;
    if (!id) { return; }
    errorBox.textContent = "";
    live.api("POST", "/api/v1/tickets/" + ticket().id + "/macros/" + id).then(function (r) {
      box.value = (box.value ? box.value + "\n\n" : "") + r.text;
      showLimits();
      box.focus();
    }).catch(function (err) { errorBox.textContent = err.message; }).finally(function () { ev.target.value = ""; });
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = box.value;
    if (!text.trim()) { return; }
    errorBox.textContent = "";
    var button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    var body = { text: text, internal: !!internal() };
    if (picked.length) { body.attachments = picked; }
    if (body.internal) {
      body.mentions = mentions;
      if (form.coach && form.coach.checked) { body.coach = true; }
    } else {
      if (form.channel.value !== ticket().channel) { body.channel = form.channel.value; }
      if (form.dataset.articles) { // an article's full answer is in it: Markdown, shown as each channel can
        body.format = "markdown";
        body.articles = form.dataset.articles.split(",").map(Number);
      }
    }
    live.api("POST", "/api/v1/tickets/" + ticket().id + "/replies", body).then(function (r) {
      window.hubTicket.render(r.interaction);
      box.value = "";
      delete form.dataset.articles;
      mentions = [];
      picked = [];
      showPicked();
      showLimits();
    }).catch(function (err) { errorBox.textContent = err.message; }).finally(function () { button.disabled = false; showLimits(); });
  });
  showLimits();
})();
