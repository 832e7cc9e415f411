// Draws every .chart element from the JSON next to it: one lane per item (a timeline entry
// or a story), a bar from its start to its end date on a time axis. Apache ECharts, bundled.
(function () {
  "use strict";
  function day(iso) { return new Date(iso + "T00:00:00Z").getTime(); }
  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var rows = data.items.map(function (item) {
      return { value: [day(item.start), day(item.end) + 86400000 - 1, item.lane],
               label: item.label, detail: item.detail, url: item.url };
    });
    // On a phone the lanes take short labels (a date, a title's start) in at most a quarter
    // of the width, so the bars keep the rest.
    var narrow = el.clientWidth < 560;
    var lanes = narrow && data.short_lanes ? data.short_lanes : data.lanes;
    var labelWidth = narrow ? Math.min(96, Math.round(el.clientWidth * 0.25)) : 260;
    // Pad the axis so a single day is a mark in context, not a bar across 24 hours.
    var lo = Math.min.apply(null, rows.map(function (r) { return r.value[0]; }));
    var hi = Math.max.apply(null, rows.map(function (r) { return r.value[1]; }));
    var pad = Math.max((hi - lo) * 0.08, 20 * 86400000);
    // Height first: ECharts sizes its canvas from the element when it initialises.
    el.style.height = Math.max(220, Math.min(900, 60 + lanes.length * 34)) + "px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 16, bottom: 32, containLabel: true },
      tooltip: { formatter: function (p) {
        var div = document.createElement("div");  // textContent escapes the article text
        var b = document.createElement("b"); b.textContent = p.data.label; div.appendChild(b);
        div.appendChild(document.createElement("br"));
        div.appendChild(document.createTextNode(p.data.detail || ""));
        div.style.maxWidth = "320px"; div.style.whiteSpace = "normal";
        return div.outerHTML; } },
      xAxis: { type: "time", min: lo - pad, max: hi + pad, axisLabel: { hideOverlap: true } },
      yAxis: { type: "category", data: lanes, inverse: true,
               axisLabel: { width: labelWidth, overflow: "truncate" } },
      dataZoom: [{ type: "inside", xAxisIndex: 0 }],
      series: [{
        type: "custom", name: "timeline", encode: { x: [0, 1], y: 2 }, data: rows,
        itemStyle: { color: "#1f5fbf" },
        renderItem: function (params, api) {
          var start = api.coord([api.value(0), api.value(2)]);
          var end = api.coord([api.value(1), api.value(2)]);
          var height = api.size([0, 1])[1] * 0.55;
          var width = Math.max(end[0] - start[0], 10);
          var x = end[0] - start[0] < 10 ? (start[0] + end[0]) / 2 - 5 : start[0];
          return { type: "rect", shape: { x: x, y: start[1] - height / 2, width: width,
                   height: height, r: 3 }, style: api.style() };
        }
      }]
    });
    chart.on("click", function (p) { if (p.data && p.data.url) window.location = p.data.url; });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.rendered = String(rows.length);
  }
  document.querySelectorAll(".chart[data-chart]").forEach(draw);
})();
