// Live character counters of the results report: each section's answers counted together as
// caseflow/results/count.py counts them (CRLF/CR -> LF, NFC, code points; not value.length).
"use strict";
(function () {
  function count(text) {
    return Array.from(text.replace(/\r\n?/g, "\n").normalize("NFC")).length;
  }
  function thousands(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
  }
  document.querySelectorAll("section.results-section").forEach(function (section) {
    var limit = parseInt(section.dataset.limit, 10);
    var areas = section.querySelectorAll("textarea[data-section]");
    var out = section.querySelector("[data-count]");
    var rest = section.querySelector("[data-remaining]");
    var line = out.closest(".counter");
    function update() {
      var used = 0;
      areas.forEach(function (a) { used += count(a.value); });
      out.textContent = thousands(used);
      var left = limit - used;
      rest.textContent = left < 0 ? thousands(-left) + " över gränsen" : thousands(left) + " kvar";
      line.classList.toggle("over", left < 0);
    }
    areas.forEach(function (a) { a.addEventListener("input", update); });
    update();
  });
})();
