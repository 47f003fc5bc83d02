// Small enhancements; every page works without this file.
// The Content-Security-Policy refuses inline script and style; every violation on this page is
// recorded here (this file loads first, before the body), so a test or a developer's console
// can see that none happened: `window.__cspViolations` should stay empty.
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (ev) {
  window.__cspViolations.push({
    directive: ev.effectiveDirective || ev.violatedDirective,
    blocked: ev.blockedURI,
    sample: ev.sample,
    source: ev.sourceFile,
    line: ev.lineNumber,
    column: ev.columnNumber
  });
});
// Cascading division selects: when a league/city is chosen, only its banners/counties stay
// selectable (the server renders all of them, grouped, for browsers without JavaScript).
document.addEventListener("change", function (ev) {
  var el = ev.target;
  if (!el.matches || !el.matches("select[data-cascade-child]")) return;
  var child = document.getElementById(el.getAttribute("data-cascade-child"));
  if (!child) return;
  var parent = el.value;
  var groups = child.querySelectorAll("optgroup");
  groups.forEach(function (g) {
    var show = !parent || g.getAttribute("data-parent") === parent;
    g.hidden = !show;
    g.disabled = !show;
  });
  var sel = child.options[child.selectedIndex];
  if (sel && sel.parentElement.tagName === "OPTGROUP" && sel.parentElement.disabled) child.value = "";
  child.dispatchEvent(new Event("change", { bubbles: true }));
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-cascade-child]").forEach(function (s) {
    if (s.value) s.dispatchEvent(new Event("change", { bubbles: true }));
  });
});
// Sort menus submit their form when changed (a button does it without JavaScript).
document.addEventListener("change", function (ev) {
  var el = ev.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
});
// A table wider than its box scrolls inside it (`.table-wrap`); such a box becomes a named,
// focusable region so keyboard users can scroll it too. Named after the table's caption or the
// heading before it, else the generic label the page carries on <main>.
function markScrollingTables() {
  var main = document.getElementById("main");
  var fallback = (main && main.getAttribute("data-table-label")) || "";
  document.querySelectorAll(".table-wrap").forEach(function (box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (!scrolls) {
      if (box.hasAttribute("data-scroll-region")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-scroll-region");
      }
      return;
    }
    if (box.hasAttribute("data-scroll-region")) return;
    var label = "";
    var caption = box.querySelector("caption");
    if (caption) label = caption.textContent;
    var el = box.previousElementSibling;
    while (!label && el) {
      if (/^H[1-6]$/.test(el.tagName)) label = el.textContent;
      el = el.previousElementSibling;
    }
    if (!label && box.parentElement) {
      var h = box.parentElement.querySelector("h1, h2, h3");
      if (h) label = h.textContent;
    }
    box.setAttribute("data-scroll-region", "");
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", (label || fallback).trim());
  });
}
document.addEventListener("DOMContentLoaded", markScrollingTables);
document.addEventListener("htmx:afterSettle", markScrollingTables);
var resizeTimer;
window.addEventListener("resize", function () {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(markScrollingTables, 150);
});
// The account menu closes on Escape or a click elsewhere (it opens and closes without this).
document.addEventListener("click", function (ev) {
  document.querySelectorAll("details.user-menu[open]").forEach(function (d) {
    if (!d.contains(ev.target)) d.removeAttribute("open");
  });
});
document.addEventListener("keydown", function (ev) {
  if (ev.key !== "Escape") return;
  document.querySelectorAll("details.user-menu[open]").forEach(function (d) {
    d.removeAttribute("open");
    d.querySelector("summary").focus();
  });
});

// A form that came back with errors: its summary takes the focus and comes into view
// (`autofocus` does it without script where a browser honours it on a focusable div).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
});
