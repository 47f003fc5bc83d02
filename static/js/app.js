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
