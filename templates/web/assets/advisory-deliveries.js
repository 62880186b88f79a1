// An advisory's page: while some recipient's delivery is not settled, asks the server for the delivery
// section every 3 seconds and puts the fresh copy in place of the old one (rendered by the server, in
// the page's language). Without script the section keeps its refresh link (a reload does the same).
(function () {
  'use strict';
  var DELAY = 3000;
  function current() {
    return document.getElementById('deliveries');
  }
  function poll() {
    var section = current();
    if (!section || section.getAttribute('data-settled') === 'true') return;
    var url = section.getAttribute('data-deliveries-url');
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (answer) {
        if (!answer.ok) throw new Error('status ' + answer.status);
        return answer.text();
      })
      .then(function (html) {
        // A template element parses the server's section without running anything in it.
        var holder = document.createElement('template');
        holder.innerHTML = html;
        var fresh = holder.content.querySelector('#deliveries');
        if (!fresh) throw new Error('no delivery section in the answer');
        var refresh = fresh.querySelector('.deliveries-refresh');
        if (refresh) refresh.hidden = true;
        current().replaceWith(document.importNode(fresh, true));
        setTimeout(poll, DELAY);
      })
      .catch(function () {
        // Lost the way to the server (signed out, network): the refresh link still works.
        var refresh = current() && current().querySelector('.deliveries-refresh');
        if (refresh) refresh.hidden = false;
      });
  }
  var section = current();
  if (!section || section.getAttribute('data-settled') === 'true') return;
  var refresh = section.querySelector('.deliveries-refresh');
  if (refresh) refresh.hidden = true;
  setTimeout(poll, DELAY);
})();
