// Draws the dashboard's charts with Chart.js (from the npm lock file) from the numbers in #figures-charts. The
// tables below each chart hold the same numbers: without this script (or Chart.js) the page loses nothing.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("figures-charts");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var colours = ["#1d4ed8", "#059669", "#d97706", "#7c3aed"];
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = data[canvas.dataset.chart];
      if (!spec) return;
      var config;
      if (canvas.dataset.chart === "trend") {
        config = {type: "line", data: {labels: spec.labels, datasets: spec.series.map(function (s, i) {
          return {label: s.label, data: s.data, borderColor: colours[i % colours.length], backgroundColor: colours[i % colours.length], tension: 0.2, spanGaps: true};
        })}};
      } else {
        config = {type: "bar", data: {labels: spec.labels, datasets: [{label: spec.label, data: spec.data, backgroundColor: colours[0]}]},
                  options: {indexAxis: spec.labels.length > 8 ? "y" : "x"}};
      }
      config.options = Object.assign({responsive: true, maintainAspectRatio: false, animation: false}, config.options || {});
      new window.Chart(canvas, config);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
