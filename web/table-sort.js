// Progressive enhancement: tables marked data-sortable get sort buttons in their column headers.
// Without JavaScript the tables are complete and in a sensible order.
(function () {
  function key(cell) {
    var s = cell.getAttribute('data-sort');
    var t = s !== null ? s : cell.textContent.trim();
    var n = Number(t);
    return t !== '' && !isNaN(n) ? n : t.toLowerCase();
  }
  function sortBy(table, col, th) {
    var body = table.tBodies[0];
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]);
      if (x === y) return 0;
      if (x === '') return 1;
      if (y === '') return -1;
      var r = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
  }
  document.querySelectorAll('table[data-sortable="true"]').forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      if (th.querySelector('a')) return; // headers that are links stay links
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'gp-sort';
      b.textContent = th.textContent;
      b.addEventListener('click', function () { sortBy(table, col, th); });
      th.textContent = '';
      th.appendChild(b);
    });
  });
})();
