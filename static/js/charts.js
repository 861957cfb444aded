// Draws the report's bar charts from the JSON the page renders (#report-charts); no inline JS.
(function () {
  "use strict";
  const source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") return;
  const charts = JSON.parse(source.textContent);
  const colours = ["#b02a37", "#fd7e14", "#0d6efd", "#198754"];
  function draw(id, data, horizontal) {
    const canvas = document.getElementById(id);
    if (!canvas || !data || !data.labels.length) return;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set, i) {
          return { label: set.label, data: set.data, backgroundColor: colours[i % colours.length] };
        }),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        animation: false,
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
  draw("chart-status", charts.status, false);
  draw("chart-deprivations", charts.deprivations, true);
  draw("chart-movements", charts.movements, true);
})();
