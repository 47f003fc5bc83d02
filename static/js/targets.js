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

    var yearsEl = document.getElementById("chart-years");
    if (yearsEl && d.years.length) {
      yearsEl.hidden = false;
      var c = echarts.init(yearsEl, null, { renderer: "svg" });
      c.setOption({
        tooltip: { trigger: "axis" },
        legend: { data: [d.labels.total, d.labels.social, d.labels.share] },
        grid: { left: 70, right: 60, bottom: 30, top: 40 },
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
              var v = p.data && p.data.share_text;
              return p.name + "<br>" + (v || d.labels.no_data);
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
