// The policy page: a pack file chosen from disk is read into the contents box, which the form sends
// (the console's forms are urlencoded, so the file itself is never uploaded). Without script the box
// is filled by pasting, and the file chooser stays hidden.
(function () {
  'use strict';
  var chooser = document.querySelector('[data-reads-into]');
  if (!chooser) return;
  var box = document.getElementById(chooser.getAttribute('data-reads-into'));
  var wrapper = chooser.closest('.field');
  if (!box || !wrapper) return;
  wrapper.hidden = false;
  chooser.addEventListener('change', function () {
    var file = chooser.files && chooser.files[0];
    if (!file) return;
    file.text().then(function (text) {
      box.value = text;
    });
  });
})();
