/* Sortable, filterable tables for the book's appendix (hand-written, no dependencies).
   A table with data-eb-sortable gets a filter box above it; clicking a column title
   sorts by that column (numbers as numbers), clicking again reverses the order. */
(function () {
  "use strict";
  function cellValue(row, i, numeric) {
    var c = row.cells[i];
    var t = c ? c.textContent.trim() : "";
    if (!numeric) { return t.toLowerCase(); }
    var x = parseFloat(t.replace(/[, ]/g, ""));
    return isNaN(x) ? -Infinity : x;
  }
  function sortBy(table, i, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = th.getAttribute("data-type") === "number";
    var asc = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = cellValue(a, i, numeric), y = cellValue(b, i, numeric);
      return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
    });
    var ths = table.tHead.rows[0].cells;
    for (var k = 0; k < ths.length; k++) { ths[k].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function setup(table) {
    var ths = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(ths, function (th, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "eb-sort";
      b.innerHTML = th.innerHTML;
      b.title = "Sort by this column";
      b.addEventListener("click", function () { sortBy(table, i, th); });
      th.innerHTML = "";
      th.appendChild(b);
    });
    var label = document.createElement("label");
    label.className = "eb-filter";
    label.textContent = "Filter rows: ";
    var input = document.createElement("input");
    input.type = "search";
    input.setAttribute("aria-controls", table.id || "");
    label.appendChild(input);
    var box = table.parentNode.classList.contains("eb-scroll") ? table.parentNode : table;
    box.parentNode.insertBefore(label, box);
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) === -1;
      });
    });
  }
  function all() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-eb-sortable]"), setup);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", all); }
  else { all(); }
})();
