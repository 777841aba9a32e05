/* Phone report form (/m/report/), our own small script; the form works without it.
   - a filter box over the category select; the position fills hidden lat/lng when allowed;
   - photos scaled on the phone (canvas, longest side 1600 px, JPEG) before upload;
   - each submission carries an id made here; when there is no signal the form is kept in
     localStorage and sent when the signal returns (online event, retry with backoff).
     The server answers a known id with the case it already made: never a second case. */
(function () {
  "use strict";
  var KEY = "gridgov.outbox", MAX = 1600, BUDGET = 3500000;
  var form = document.getElementById("m-report"), state = document.getElementById("m-state");
  var retryIn = 2000, timer = null;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var s = "", i;
    for (i = 0; i < 32; i++) s += ((Math.random() * 16) | 0).toString(16);
    return s.slice(0, 8) + "-" + s.slice(8, 12) + "-" + s.slice(12, 16) + "-" + s.slice(16, 20) + "-" + s.slice(20);
  }
  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function store(q) { try { localStorage.setItem(KEY, JSON.stringify(q)); return true; } catch (e) { return false; } }
  function say(text, cls, link) {
    if (!state) return;
    state.hidden = false; state.textContent = text; state.className = "m-state " + (cls || "");
    if (link && link.href) {  // what was sent, one tap away (its case, or the resident's code)
      var a = document.createElement("a");
      a.href = link.href; a.textContent = link.text;
      state.appendChild(document.createTextNode(" ")); state.appendChild(a);
    }
  }
  function msg(name) { return form ? form.getAttribute("data-" + name) : ""; }

  function scale(file) {
    return new Promise(function (resolve) {
      var img = new Image(), url = URL.createObjectURL(file);
      img.onload = function () {
        var r = Math.min(1, MAX / Math.max(img.width, img.height)), c = document.createElement("canvas");
        c.width = Math.round(img.width * r); c.height = Math.round(img.height * r);
        c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
        URL.revokeObjectURL(url);
        resolve(c.toDataURL("image/jpeg", 0.8));
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(null); };
      img.src = url;
    });
  }
  function blob(dataUrl) {
    var p = dataUrl.split(","), bin = atob(p[1]), a = new Uint8Array(bin.length), i;
    for (i = 0; i < bin.length; i++) a[i] = bin.charCodeAt(i);
    return new Blob([a], { type: "image/jpeg" });
  }

  // An entry: {url, fields: [[name, value]...], photos: [dataUrl...]}
  function send(entry) {
    var fd = new FormData();
    entry.fields.forEach(function (kv) { fd.append(kv[0], kv[1]); });
    entry.photos.forEach(function (d, i) { fd.append("photos", blob(d), "photo" + (i + 1) + ".jpg"); });
    return fetch(entry.url, {
      method: "POST", body: fd, credentials: "same-origin",
      headers: { "X-Requested-With": "gridgov-offline" }
    }).then(function (r) { return r.json().then(function (j) { return { status: r.status, body: j }; }); });
  }
  function flush() {
    var q = load();
    if (!q.length) return;
    timer = null;
    var entry = q[0];
    send(entry).then(function (res) {
      var rest = load().filter(function (e) { return e.id !== entry.id; });
      store(rest);
      retryIn = 2000;
      if (res.body.ok) say(msg("sent"), "sent", { href: res.body.url, text: res.body.number });
      else say(msg("failed"), "");
      if (rest.length) flush();
    }, function () {
      if (!timer) timer = setTimeout(flush, retryIn);
      retryIn = Math.min(retryIn * 2, 60000);
    });
  }
  window.addEventListener("online", function () { retryIn = 2000; flush(); });

  if (form) {
    var sid = form.querySelector("[name=submission_id]");
    if (!sid.value) sid.value = uuid();
    var cat = form.querySelector("select[name=category]");
    if (cat) {
      var box = document.createElement("input");
      box.type = "search"; box.placeholder = msg("filter"); box.className = "m-filter";
      cat.parentNode.insertBefore(box, cat);
      box.addEventListener("input", function () {
        var t = box.value.trim(), first = null;
        [].forEach.call(cat.options, function (o) {
          var hit = !t || o.text.indexOf(t) >= 0;
          o.hidden = !hit;
          if (hit && t && o.value && !first) first = o;
        });
        if (first) cat.value = first.value;
      });
    }
    var locate = form.querySelector(".m-locate");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (p) {
          form.querySelector("[name=latitude]").value = p.coords.latitude.toFixed(6);
          form.querySelector("[name=longitude]").value = p.coords.longitude.toFixed(6);
          say(msg("located"), "sent");
        });
      });
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var fields = [], files = [];
      [].forEach.call(form.elements, function (el) {
        if (!el.name || el.disabled) return;
        if (el.type === "file") { files = [].slice.call(el.files); return; }
        if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
        if (el.tagName === "SELECT" && el.multiple) {
          [].forEach.call(el.selectedOptions, function (o) { fields.push([el.name, o.value]); });
          return;
        }
        fields.push([el.name, el.value]);
      });
      say(msg("sending"), "");
      Promise.all(files.map(scale)).then(function (scaled) {
        var entry = { id: sid.value, url: form.action || location.href, fields: fields,
          photos: scaled.filter(Boolean) };
        send(entry).then(function (res) {
          if (res.body.ok) { location.href = res.body.url; return; }
          form.submit();  // let the server show its field errors on a plain page
        }, function () {
          // No signal: keep it (without photos if they do not fit) and send it later.
          var q = load().filter(function (e) { return e.id !== entry.id; });
          q.push(entry);
          if (JSON.stringify(q).length > BUDGET) { entry.photos = []; }
          store(q);
          say(msg("saved"), "");
          form.reset();
          sid.value = uuid();
          if (!timer) timer = setTimeout(flush, retryIn);
        });
      });
    });
  }
  flush();
})();
