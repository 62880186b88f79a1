// An export's page: asks the status route every second and moves the progress bar; once the export is
// done, shows the download link. Without script the page keeps its refresh link (the no-JS fallback).
(function () {
  'use strict';
  var box = document.querySelector('.export[data-status-url]');
  if (!box) return;
  var url = box.getAttribute('data-status-url');
  var bar = box.querySelector('progress');
  var text = box.querySelector('.export-progress-text');
  var status = box.querySelector('.export-status');
  var download = box.querySelector('.export-download');
  var refresh = box.querySelector('.export-refresh');
  if (refresh) refresh.hidden = true;
  function poll() {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (answer) {
        if (!answer.ok) throw new Error('status ' + answer.status);
        return answer.json();
      })
      .then(function (state) {
        bar.value = state.percent;
        bar.textContent = state.percent + '%';
        text.textContent = state.progressText;
        status.textContent = state.statusText;
        if (state.done) {
          download.querySelector('a').textContent = state.downloadText;
          download.hidden = false;
          return;
        }
        if (state.failed) {
          window.location.reload();
          return;
        }
        setTimeout(poll, 1000);
      })
      .catch(function () {
        // Lost the way to the server (signed out, network): the refresh link still works.
        if (refresh) refresh.hidden = false;
      });
  }
  if (!download.hidden) return;
  setTimeout(poll, 1000);
})();
