// Overview: recount overdue tasks against the date the reader picks.
(function () {
  var input = document.getElementById("as-of");
  if (!input) return;
  function refresh() {
    var asOf = input.value;
    var overdue = 0;
    document.querySelectorAll("tr[data-deadline]").forEach(function (row) {
      var late = row.dataset.deadline < asOf;
      row.classList.toggle("overdue", late);
      if (late) overdue += 1;
    });
    var count = document.getElementById("n-overdue");
    if (count) count.textContent = overdue;
    var chart = document.getElementById("timeline-chart");
    if (!chart) return;
    var top = +chart.dataset.top, plot = +chart.dataset.plot, base = plot + 10;
    chart.querySelectorAll("g.month").forEach(function (g) {
      var days = g.dataset.deadlines ? g.dataset.deadlines.split(" ") : [];
      var late = days.filter(function (d) { return d < asOf; }).length;
      var hOver = plot * late / top, hOpen = plot * (days.length - late) / top;
      var over = g.querySelector("rect.overdue"), open = g.querySelector("rect.open");
      over.setAttribute("y", base - hOver); over.setAttribute("height", hOver);
      open.setAttribute("y", base - hOver - hOpen); open.setAttribute("height", hOpen);
      g.querySelector("title").textContent = g.dataset.month + ": " + days.length + " task(s) due, " + late + " overdue";
    });
  }
  input.addEventListener("change", refresh);
  input.addEventListener("input", refresh);
})();
