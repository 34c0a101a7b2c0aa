/* Forum helpers (CSP script-src 'self', so no inline script):
 * - "Quote" buttons put the post's Markdown, prefixed with "> ", into the reply box;
 * - textareas with data-draft-url save a server-side draft a moment after typing stops,
 *   sending the CSRF token in the X-CSRFToken header. */
(function () {
  "use strict";
  var DRAFT_DELAY_MS = 800;

  function quoteText(author, text) {
    var lines = String(text).replace(/\r\n/g, "\n").split("\n");
    var quoted = lines.map(function (line) { return "> " + line; }).join("\n");
    return (author ? "> **" + author + "**:\n" : "") + quoted + "\n\n";
  }

  function replyBox() {
    var form = document.getElementById("reply-form");
    return form ? form.querySelector("textarea") : null;
  }

  function attachQuote(button) {
    button.addEventListener("click", function () {
      var box = replyBox();
      if (!box) { return; }
      var before = box.value && !/\n\n$/.test(box.value) ? box.value.replace(/\n*$/, "\n\n") : box.value;
      box.value = before + quoteText(button.getAttribute("data-quote-author"), button.getAttribute("data-quote"));
      box.focus();
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function csrfToken(element) {
    var form = element.form;
    var input = form && form.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function attachDraft(textarea) {
    var url = textarea.getAttribute("data-draft-url");
    var target = textarea.getAttribute("data-draft-target");
    if (!url || !target) { return; }
    var titleId = textarea.getAttribute("data-draft-title");
    var title = titleId ? document.getElementById(titleId) : null;
    var status = document.getElementById(textarea.id + "-status");
    var timer = null;

    function save() {
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(textarea),
                   "Accept": "application/json" },
        body: JSON.stringify({ target: target, title: title ? title.value : "", body: textarea.value })
      }).then(function (response) { return response.json(); }).then(function (data) {
        if (status && data && (data.message || data.error)) { status.textContent = data.message || data.error; }
      }).catch(function () { /* offline: the next keystroke tries again */ });
    }

    function later() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, DRAFT_DELAY_MS);
    }
    textarea.addEventListener("input", later);
    if (title) { title.addEventListener("input", later); }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".quote-button"), attachQuote);
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-draft-url]"), attachDraft);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
