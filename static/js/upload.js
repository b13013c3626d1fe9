// The upload form says at once when the files chosen are over the upload's
// limit: the server answers 413 without reading such a body and closes the
// connection, which a browser may show as a reset rather than the message.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var input = document.getElementById("upload-files");
  if (!form || !input) return;
  var most = Number(form.dataset.maxBytes);
  var error = document.getElementById("upload-error-client");

  function tooLarge() {
    var total = 0;
    for (var i = 0; i < input.files.length; i++) total += input.files[i].size;
    if (total <= most) {
      error.hidden = true;
      error.textContent = "";
      return false;
    }
    error.textContent = form.dataset.tooLarge.replace("{size}", (total / 1e6).toFixed(1));
    error.hidden = false;
    return true;
  }

  input.addEventListener("change", tooLarge);
  form.addEventListener("submit", function (event) {
    if (tooLarge()) {
      event.preventDefault();
      input.focus();
    }
  });
})();
