/* The page's behaviour: details panel, #click=mN links, table sorting, filters, CSV export.
   Plain ES5-style JavaScript, no network, no libraries. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("metrics-data").textContent);
  var metrics = data.metrics;
  var byId = {};
  metrics.forEach(function (m) { byId[m.id] = m; });
  var text = document.getElementById("text");
  var marks = text.querySelectorAll("mark.metric");
  document.body.setAttribute("data-marked-count", String(marks.length));

  var panel = document.getElementById("details-body");
  var tbody = document.querySelector("#metric-table tbody");
  var rows = {};
  Array.prototype.forEach.call(tbody.rows, function (tr) { rows[tr.getAttribute("data-id")] = tr; });
  var current = null;

  function blank(v) { return v === null || v === undefined || v === ""; }
  function show(v) { return blank(v) ? "—" : String(v); }
  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (content !== undefined && content !== null) {
      if (typeof content === "string") { e.textContent = content; } else { e.appendChild(content); }
    }
    return e;
  }
  function parts(m) {  // all elements showing metric m in the text: its mark and continuations
    var list = [];
    var main = document.getElementById(m.id);
    if (main) { list.push(main); }
    Array.prototype.forEach.call(text.querySelectorAll('mark.cont[data-for="' + m.id + '"]'),
      function (c) { list.push(c); });
    return list;
  }

  function select(id, opts) {
    var m = byId[id];
    if (!m) { return; }
    opts = opts || {};
    if (current) {
      parts(byId[current]).forEach(function (e) { e.classList.remove("selected"); e.removeAttribute("aria-pressed"); });
      if (rows[current]) { rows[current].classList.remove("selected"); }
    }
    current = id;
    parts(m).forEach(function (e) { e.classList.add("selected"); });
    var main = document.getElementById(id);
    if (main) { main.setAttribute("aria-pressed", "true"); }
    if (rows[id]) { rows[id].classList.add("selected"); }
    renderPanel(m);
    document.body.classList.add("has-selection");
    if (opts.scroll && main) { main.scrollIntoView({block: "nearest"}); }
    if (opts.hash !== false && window.history && history.replaceState) {
      history.replaceState(null, "", "#click=" + id);
    }
  }

  function renderPanel(m) {
    panel.textContent = "";
    panel.setAttribute("data-current", m.id);
    var h = el("p", "as-written");
    var sw = el("mark", "swatch kind-" + m.kind, m.text);
    if (m.status === "target") { sw.setAttribute("data-status", "target"); }
    h.appendChild(sw);
    h.appendChild(document.createTextNode(" " + m.id));
    panel.appendChild(h);
    var dl = el("dl");
    function row(label, value, cls, field) {
      dl.appendChild(el("dt", null, label));
      var dd = el("dd", cls || null, show(value));
      if (field) { dd.setAttribute("data-field", field); }
      dl.appendChild(dd);
    }
    row("Value", m.value_str, "big", "value");
    if (!blank(m.value_max_str)) { row("Value max", m.value_max_str, "big", "value_max"); }
    row("Unit", blank(m.unit) ? null : m.unit + (m.unit_surface && m.unit_surface !== m.unit ? " (written " + m.unit_surface + ")" : ""), null, "unit");
    row("Kind", m.kind_label, null, "kind");
    row("Qualifier", m.qualifier + (m.marker ? " · " + m.marker : ""), null, "qualifier");
    row("Object", m.object, null, "object");
    row("Indicator", m.indicator, null, "indicator");
    row("Direction", m.direction === "up" ? "↑ up" : m.direction === "down" ? "↓ down" : null, null, "direction");
    row("Status", m.status, null, "status");
    row("Period", m.period, null, "period");
    row("Section", m.section_id, null, "section");
    row("Item", m.item_id, null, "item");
    row("Rule", m.rule, "rule", "rule");
    row("Offsets", m.start + "–" + m.end, null, "offsets");
    panel.appendChild(dl);
    var links = el("p", "links");
    var share = el("a", null, "Link to this fact");
    share.href = "#click=" + m.id;
    links.appendChild(share);
    links.appendChild(document.createTextNode(" · "));
    var toRow = el("a", null, "Show in table");
    toRow.href = "#row-" + m.id;
    links.appendChild(toRow);
    panel.appendChild(links);
  }

  Array.prototype.forEach.call(marks, function (mk) {
    mk.addEventListener("click", function () { select(mk.id, {}); });
    mk.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); select(mk.id, {}); }
    });
  });
  text.addEventListener("click", function (ev) {  // a continuation of a mark split at a line break
    var t = ev.target;
    if (t && t.classList && t.classList.contains("cont")) { select(t.getAttribute("data-for"), {}); }
  });

  function fromHash() {
    var h = window.location.hash.slice(1);
    try { h = decodeURIComponent(h); } catch (e) { return; }
    var found = /^click=(m\d+)$/.exec(h);
    if (!found) { return; }
    var mk = document.getElementById(found[1]);
    if (mk && mk.classList.contains("metric")) {
      mk.click();  // the shareable link to one fact acts as a click on it
      mk.scrollIntoView({block: "nearest"});
    } else if (byId[found[1]]) {
      select(found[1], {scroll: true});
    }
  }
  window.addEventListener("hashchange", fromHash);
  document.getElementById("details-close").addEventListener("click", function () {
    document.body.classList.remove("has-selection");
  });

  /* table: sort and filter ------------------------------------------------------------------ */
  var fKind = document.getElementById("f-kind");
  var fStatus = document.getElementById("f-status");
  var fIndicator = document.getElementById("f-indicator");
  var fQ = document.getElementById("f-q");
  var shownCount = document.getElementById("shown-count");
  var sortKey = "n";
  var sortDir = 1;
  var order = metrics.slice();

  function keyOf(m, key) {
    if (key === "where") { return m.item_id || m.section_id || ""; }
    return m[key];
  }
  function compare(a, b) {
    var x = keyOf(a, sortKey);
    var y = keyOf(b, sortKey);
    if (blank(x) && blank(y)) { return a.n - b.n; }
    if (blank(x)) { return 1; }  // empty cells last, whichever the direction
    if (blank(y)) { return -1; }
    var c = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh-CN");
    return c !== 0 ? c * sortDir : a.n - b.n;
  }
  function matches(m) {
    if (fKind.value && m.kind !== fKind.value) { return false; }
    if (fStatus.value && m.status !== fStatus.value) { return false; }
    var ind = fIndicator.value;
    if (ind === "-" && !blank(m.indicator)) { return false; }
    if (ind === "*" && blank(m.indicator)) { return false; }
    if (ind && ind !== "-" && ind !== "*" && m.indicator !== ind) { return false; }
    var q = fQ.value.trim().toLowerCase();
    if (q) {
      var hay = [m.text, m.object, m.unit, m.unit_surface, m.indicator, m.rule, m.value_str].join(" ").toLowerCase();
      if (hay.indexOf(q) < 0) { return false; }
    }
    return true;
  }
  function visible() { return order.filter(matches); }
  function apply() {
    order = metrics.slice().sort(compare);
    var filtering = fKind.value || fStatus.value || fIndicator.value || fQ.value.trim();
    var shown = 0;
    order.forEach(function (m) {
      var ok = matches(m);
      var tr = rows[m.id];
      if (tr) { tbody.appendChild(tr); tr.hidden = !ok; }
      if (ok) { shown += 1; }
      parts(m).forEach(function (e) { e.classList.toggle("dim", Boolean(filtering) && !ok); });
    });
    shownCount.textContent = "(" + shown + " of " + metrics.length + " shown)";
    document.body.setAttribute("data-shown-count", String(shown));
  }
  var headers = document.querySelectorAll("#metric-table thead th");
  function sortBy(key, dir) {
    sortKey = key;
    sortDir = dir;
    Array.prototype.forEach.call(headers, function (th) {
      if (th.getAttribute("data-key") === key) {
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
    apply();
  }
  Array.prototype.forEach.call(headers, function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      sortBy(key, key === sortKey ? -sortDir : 1);
    });
  });
  [fKind, fStatus, fIndicator].forEach(function (s) { s.addEventListener("change", apply); });
  fQ.addEventListener("input", apply);
  document.getElementById("f-reset").addEventListener("click", function () {
    fKind.value = ""; fStatus.value = ""; fIndicator.value = ""; fQ.value = "";
    sortBy("n", 1);
  });
  tbody.addEventListener("click", function (ev) {
    var tr = ev.target.closest ? ev.target.closest("tr") : null;
    if (!tr) { return; }
    ev.preventDefault();
    select(tr.getAttribute("data-id"), {scroll: true});
  });

  /* CSV export of the rows shown, in their order ------------------------------------------- */
  var COLUMNS = ["id", "text", "value", "value_max", "unit", "unit_surface", "qualifier", "marker", "kind",
    "object", "indicator", "direction", "status", "period", "section_id", "item_id", "rule", "start", "end"];
  function cell(v) {
    var s = blank(v) ? "" : String(v);
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function toCsv(list) {
    var lines = [COLUMNS.join(",")];
    list.forEach(function (m) {
      lines.push(COLUMNS.map(function (c) {
        if (c === "value") { return cell(m.value_str); }
        if (c === "value_max") { return cell(m.value_max_str); }
        return cell(m[c]);
      }).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }
  document.getElementById("export-csv").addEventListener("click", function () {
    var blob = new Blob([toCsv(visible())], {type: "text/csv;charset=utf-8"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = data.csv_name || "metrics.csv";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  });
  window.extractorPage = {select: select, csv: function () { return toCsv(visible()); }};

  apply();
  fromHash();
  document.body.setAttribute("data-ready", "true");
})();
