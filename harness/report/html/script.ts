// The page's only script, inlined. The page is complete without it (heatmaps, every detail view
// via #cell-<id> and CSS :target); the script adds what needs state: axis filters, a detail view
// that closes without jumping, and the terminal replay. Plain ES2017, no dependencies.

export const SCRIPT = String.raw`
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.classList.add('js');

  // ---- Detail views: #cell-<id> opens one; Escape or × closes it without scrolling the page ----
  var open = null;
  function show() {
    var id = '';
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = ''; }
    var el = id.indexOf('cell-') === 0 ? doc.getElementById(id) : null;
    if (open && open !== el) open.classList.remove('open');
    open = el && el.classList.contains('detail') ? el : null;
    if (open) { open.classList.add('open'); open.focus(); }
  }
  function close() {
    if (!open) return;
    open.classList.remove('open');
    open = null;
    history.replaceState(null, '', location.pathname + location.search);
  }
  window.addEventListener('hashchange', show);
  doc.addEventListener('keydown', function (e) { if (e.key === 'Escape') close(); });
  doc.addEventListener('click', function (e) {
    var t = e.target;
    if (t && t.closest && t.closest('.detail .close')) { e.preventDefault(); close(); }
  });
  show();

  // ---- Filters: a cell shows when every filtered axis has its value ticked ----
  var form = doc.getElementById('filters');
  if (form) {
    form.hidden = false;
    var cells = Array.prototype.slice.call(doc.querySelectorAll('[data-cell-id]'));
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[type=checkbox]'));
    var count = doc.getElementById('filter-count');
    var apply = function () {
      var off = {};
      boxes.forEach(function (b) { if (!b.checked) (off[b.name] = off[b.name] || {})[b.value] = true; });
      var shown = 0;
      cells.forEach(function (c) {
        var hide = Object.keys(off).some(function (axis) { return off[axis][c.getAttribute('data-ax-' + axis)]; });
        c.hidden = hide;
        if (!hide) shown++;
      });
      // Containers hide when nothing in them is left: a slot dims, a row and a whole matrix go.
      doc.querySelectorAll('table.heat td').forEach(function (td) {
        var any = td.querySelector('[data-cell-id]');
        if (any) td.classList.toggle('filtered', !td.querySelector('[data-cell-id]:not([hidden])'));
      });
      doc.querySelectorAll('table.heat tbody tr, section.view').forEach(function (el) {
        el.hidden = !el.querySelector('[data-cell-id]:not([hidden])');
      });
      if (count) count.textContent = shown + ' of ' + cells.length + ' cells shown';
    };
    form.addEventListener('change', apply);
    form.addEventListener('reset', function () { setTimeout(apply, 0); });
    apply();
  }

  // ---- Terminal replay: asciicast v2 output events into a <pre>. Deliberately tiny: it keeps
  // lines and a cursor column, handles \r\n, \r and backspace, and drops every other escape
  // sequence (colours, cursor moves, screen clears), so full-screen programs (tmux, screen) replay
  // as their text only. Input events are skipped: the terminal's echo already shows them. ----
  function Screen() { this.lines = ['']; this.col = 0; }
  Screen.prototype.write = function (s) {
    s = s.replace(/\x1b\[[0-?]*[ -\/]*[@-~]/g, '')
         .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '')
         .replace(/\x1b[P^_][^\x1b]*\x1b\\/g, '')
         .replace(/\x1b[()][0-9A-Za-z]/g, '')
         .replace(/\x1b./g, '');
    for (var i = 0; i < s.length; i++) {
      var ch = s[i], row = this.lines.length - 1, line = this.lines[row];
      if (ch === '\n') { this.lines.push(''); this.col = 0; }
      else if (ch === '\r') this.col = 0;
      else if (ch === '\b') this.col = Math.max(0, this.col - 1);
      else if (ch === '\t') this.put(row, '        '.slice(this.col % 8));
      else if (ch >= ' ') this.put(row, ch);
    }
  };
  Screen.prototype.put = function (row, text) {
    var line = this.lines[row];
    while (line.length < this.col) line += ' ';
    this.lines[row] = line.slice(0, this.col) + text + line.slice(this.col + text.length);
    this.col += text.length;
  };
  doc.querySelectorAll('.replay').forEach(function (box) {
    var data = JSON.parse(doc.getElementById(box.getAttribute('data-src')).textContent);
    var out = box.querySelector('pre'), btn = box.querySelector('button.play'), rst = box.querySelector('button.restart');
    var clock = box.querySelector('.clock');
    var events = data.events.filter(function (e) { return e[1] === 'o'; });
    var i = 0, t0 = 0, at = 0, timer = null, screen = new Screen();
    out.textContent = '';
    function render() { out.textContent = screen.lines.join('\n'); clock.textContent = at.toFixed(1) + ' s'; }
    function step() {
      var now = (Date.now() - t0) / 1000;
      while (i < events.length && events[i][0] <= now) { screen.write(events[i][2]); at = events[i][0]; i++; }
      render();
      if (i >= events.length) { pause(); btn.textContent = '▶ play'; return; }
      timer = setTimeout(step, Math.min(200, Math.max(10, (events[i][0] - now) * 1000)));
    }
    function play() { if (i >= events.length) reset(); t0 = Date.now() - at * 1000; btn.textContent = '❚❚ pause'; step(); }
    function pause() { clearTimeout(timer); timer = null; btn.textContent = '▶ play'; }
    function reset() { pause(); i = 0; at = 0; screen = new Screen(); render(); }
    btn.addEventListener('click', function () { if (timer) pause(); else play(); });
    rst.addEventListener('click', reset);
    box.hidden = false;
    render();
  });
})();
`;
