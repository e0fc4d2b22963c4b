/* Report page: draw each render's progress bar, and while a render is queued or rendering ask the
   API for its state and show it; reload the page when it ends. Settings come from the script tag's
   data attributes (the page's Content Security Policy allows no inline script). */
(function () {
  "use strict";

  var config = document.currentScript.dataset;
  var labels = {
    queued: config.labelQueued, rendering: config.labelRendering,
    ready: config.labelReady, failed: config.labelFailed
  };
  var stateElement = document.getElementById("report-state");
  if (!stateElement) return;
  var state = JSON.parse(stateElement.textContent);

  function pending(render) { return render && (render.status === "queued" || render.status === "rendering"); }
  function running() { return ["draft", "final", "progress_report"].some(function (key) { return pending(state[key]); }); }

  function setBar(bar, progress) {
    bar.style.width = progress + "%";
    bar.parentElement.setAttribute("aria-valuenow", progress);
  }

  function show(key, testid) {
    var render = state[key];
    var box = document.querySelector('[data-testid="' + testid + '"]');
    if (!render || !box) return;
    var badge = box.querySelector(".render-status");
    if (badge) badge.textContent = labels[render.status] || render.status;
    var bar = box.querySelector(".progress-bar");
    if (bar) setBar(bar, render.progress);
  }

  function poll() {
    var before = running();
    fetch(config.stateUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) state = data; })
      .catch(function () { /* the next poll tries again */ })
      .then(function () {
        show("draft", "draft"); show("final", "final"); show("progress_report", "progress");
        if (before && !running()) { window.location.reload(); return; }
        if (running()) setTimeout(poll, 1500);
      });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".progress-bar[data-progress]"), function (bar) {
    setBar(bar, bar.getAttribute("data-progress"));
  });
  if (running()) setTimeout(poll, 1000);
})();
