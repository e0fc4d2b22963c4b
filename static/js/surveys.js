/* Respondent pages: keep answers on the device and save them as a draft while typing, so that a
   dropped connection loses nothing; forget them once the survey is submitted. */
(function () {
  "use strict";

  var done = document.querySelector("[data-clear-storage]");
  if (done) {
    var prefix = done.getAttribute("data-clear-storage");
    try {
      Object.keys(window.localStorage).forEach(function (key) {
        if (key === prefix || key.indexOf(prefix + ":") === 0) window.localStorage.removeItem(key);
      });
    } catch (error) { /* storage unavailable: nothing kept */ }
    return;
  }

  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var storageKey = form.getAttribute("data-storage-key");
  var section = parseInt(form.getAttribute("data-section"), 10) || 0;
  var status = document.getElementById("save-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;

  function say(text) { if (status) status.textContent = text; }

  function fields() {
    var names = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (/^[qp]-/.test(element.name)) names[element.name] = element.type;
    });
    return names;
  }

  function collect() {
    var answers = {}, profile = {};
    Object.keys(fields()).forEach(function (name) {
      var inputs = form.querySelectorAll("[name='" + name + "']");
      var first = inputs[0], value;
      if (first.type === "checkbox") {
        value = Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
      } else if (first.type === "radio") {
        var checked = Array.prototype.filter.call(inputs, function (i) { return i.checked; })[0];
        value = checked ? checked.value : "";
      } else {
        value = first.value;
      }
      if (name.indexOf("q-") === 0) answers[name.slice(2)] = value; else profile[name.slice(2)] = value;
    });
    return { answers: answers, profile: profile, section: section };
  }

  function store(data) {
    try {
      var kept = JSON.parse(window.localStorage.getItem(storageKey) || "{}");
      kept.answers = Object.assign(kept.answers || {}, data.answers);
      kept.profile = Object.assign(kept.profile || {}, data.profile);
      window.localStorage.setItem(storageKey, JSON.stringify(kept));
    } catch (error) { /* private browsing: the server draft still works */ }
  }

  function restore() {
    var kept;
    try { kept = JSON.parse(window.localStorage.getItem(storageKey) || "null"); } catch (error) { kept = null; }
    if (!kept) return false;
    var restored = false;
    [["q-", kept.answers || {}], ["p-", kept.profile || {}]].forEach(function (pair) {
      Object.keys(pair[1]).forEach(function (code) {
        var value = pair[1][code];
        var inputs = form.querySelectorAll("[name='" + pair[0] + code + "']");
        Array.prototype.forEach.call(inputs, function (input) {
          if (input.type === "checkbox") input.checked = Array.isArray(value) && value.indexOf(input.value) >= 0;
          else if (input.type === "radio") input.checked = input.value === value;
          else input.value = value;
          restored = true;
        });
      });
    });
    return restored;
  }

  function save() {
    var data = collect();
    store(data);
    if (!navigator.onLine) { say(form.getAttribute("data-kept-message")); return; }
    fetch(form.getAttribute("data-draft-url"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
      body: JSON.stringify(data)
    }).then(function (response) {
      say(form.getAttribute(response.ok ? "data-saved-message" : "data-kept-message"));
    }).catch(function () { say(form.getAttribute("data-kept-message")); });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 600);
  }

  form.addEventListener("change", later);
  form.addEventListener("input", later);
  form.addEventListener("submit", function (event) {
    store(collect());
    if (!navigator.onLine) {
      event.preventDefault();
      say(form.getAttribute("data-offline-message"));
    }
  });
  window.addEventListener("online", save);

  if (restore()) save();
  var error = document.getElementById("form-error");
  if (error) error.focus();
})();
