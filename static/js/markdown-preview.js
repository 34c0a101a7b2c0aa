/* Live Markdown preview: the server renders with the same pipeline as the saved page.
 * Any <textarea data-preview-target="ID" data-preview-url="URL"> inside a form with a CSRF
 * token gets a debounced preview in the element #ID. No inline script (CSP script-src 'self'). */
(function () {
  "use strict";
  var DELAY_MS = 400;

  function csrfToken(textarea) {
    var form = textarea.form;
    var input = form && form.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function attach(textarea) {
    var target = document.getElementById(textarea.getAttribute("data-preview-target"));
    var url = textarea.getAttribute("data-preview-url");
    if (!target || !url) { return; }
    var timer = null;
    var latest = 0;

    function render() {
      var request = ++latest;
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken(textarea),
          "Accept": "application/json"
        },
        body: JSON.stringify({ text: textarea.value })
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        // Only the newest answer wins; the HTML was sanitised by the server (nh3).
        if (request === latest) { target.innerHTML = data.html; }
      }).catch(function () {
        if (request === latest) { target.setAttribute("data-preview-error", "true"); }
      });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, DELAY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var areas = document.querySelectorAll("textarea[data-preview-target]");
    for (var i = 0; i < areas.length; i++) { attach(areas[i]); }
  });
})();
