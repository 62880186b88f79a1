// Keeps every countdown cell (<time data-due>) current without reloading the page. The words come from
// the page (data-* of the element marked data-countdown-words), so the script holds no language of its own.
(function () {
  'use strict';
  var holder = document.querySelector('[data-countdown-words]');
  if (!holder) return;
  var words = holder.dataset;
  function duration(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var parts = [];
    if (days > 0) parts.push(words.days.replace('%N', String(days)));
    if (days > 0 || hours > 0) parts.push(words.hours.replace('%N', String(hours)));
    parts.push(words.minutes.replace('%N', String(minutes % 60)));
    return parts.join(' ');
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll('[data-due]').forEach(function (cell) {
      var left = new Date(cell.getAttribute('data-due')).getTime() - now;
      var text = (left >= 0 ? words.left : words.overdue).replace('%T', duration(left));
      if (cell.textContent !== text) cell.textContent = text;
      cell.classList.toggle('overdue', left < 0);
    });
  }
  tick();
  setInterval(tick, 15000);
})();
