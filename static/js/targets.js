// Charts of the policy dashboard (/targets), drawn with the vendored Apache ECharts from the
// numbers the page embeds in #targets-data. The page's tables carry the same numbers, so
// without JavaScript (or for screen readers) nothing is lost.
(function () {
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var dataEl = document.getElementById("targets-data");
    if (!dataEl || typeof echarts === "undefined") return;
    var d = JSON.parse(dataEl.textContent);
    var target = d.target_bp / 100;
    var charts = [];

    // Tooltips are built as elements: ECharts' own tooltip HTML carries `style` attributes,
    // which the Content-Security-Policy refuses (a style set from script is allowed).
    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    }
    function shown(v, unit) {
      if (v === null || v === undefined || v === "-" || (typeof v === "number" && isNaN(v))) {
        return d.labels.no_data;
      }
      return (typeof v === "number" ? v.toLocaleString() : String(v)) + unit;
    }
    function axisTip(params) {
      var box = el("div", "chart-tip");
      box.appendChild(el("div", "chart-tip-head", params.length ? params[0].axisValueLabel : ""));
      params.forEach(function (p) {
        var row = el("div", "chart-tip-row");
        var dot = el("span", "chart-tip-dot");
        if (typeof p.color === "string") dot.style.backgroundColor = p.color;
        row.appendChild(dot);
        row.appendChild(el("span", "chart-tip-name", p.seriesName));
        row.appendChild(el("strong", "chart-tip-value", shown(p.value, p.seriesType === "line" ? "%" : "")));
        box.appendChild(row);
      });
      return box;
    }

    var yearsEl = document.getElementById("chart-years");
    if (yearsEl && d.years.length) {
      yearsEl.hidden = false;
      var c = echarts.init(yearsEl, null, { renderer: "svg" });
      c.setOption({
        tooltip: { trigger: "axis", formatter: axisTip },
        // ECharts 6 puts the legend at the bottom by default, over the year labels.
        legend: { top: 0, data: [d.labels.total, d.labels.social, d.labels.share] },
        grid: { left: 70, right: 90, bottom: 30, top: 56 },
        xAxis: { type: "category", data: d.years.map(function (y) { return String(y.year); }) },
        yAxis: [
          { type: "value", name: d.labels.yuan },
          { type: "value", name: "%", min: 0, max: 100 }
        ],
        series: [
          { name: d.labels.total, type: "bar", data: d.years.map(function (y) { return y.total_fen / 100; }) },
          { name: d.labels.social, type: "bar", data: d.years.map(function (y) { return y.social_fen / 100; }) },
          {
            name: d.labels.share, type: "line", yAxisIndex: 1,
            data: d.years.map(function (y) { return y.share_bp === null ? null : y.share_bp / 100; }),
            markLine: { symbol: "none", data: [{ yAxis: target, name: d.labels.target }],
                        label: { formatter: d.labels.target + " " + target + "%" } }
          }
        ]
      });
      charts.push(c);
    }

    var mapEl = document.getElementById("chart-map");
    if (mapEl && d.map_url) {
      fetch(d.map_url).then(function (r) { return r.json(); }).then(function (geo) {
        echarts.registerMap("neimenggu", geo);
        mapEl.hidden = false;
        var m = echarts.init(mapEl, null, { renderer: "svg" });
        m.setOption({
          tooltip: {
            trigger: "item",
            formatter: function (p) {
              var box = el("div", "chart-tip");
              box.appendChild(el("div", "chart-tip-head", p.name));
              box.appendChild(el("div", "chart-tip-row", (p.data && p.data.share_text) || d.labels.no_data));
              return box;
            }
          },
          visualMap: {
            min: 0, max: Math.max(60, target * 2), left: 10, bottom: 10, calculable: true,
            text: ["%", ""], inRange: { color: ["#f6d5cf", "#fbe9b7", "#cfe8d6", "#2e7d4f"] }
          },
          series: [{
            type: "map", map: "neimenggu", roam: false,
            label: { show: true, fontSize: 10 },
            data: d.leagues.map(function (l) {
              return { name: l.map_name, value: l.share_bp === null ? null : l.share_bp / 100,
                       share_text: l.share };
            })
          }]
        });
        charts.push(m);
      }).catch(function () { /* the table below shows the same numbers */ });
    }

    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  });
})();
