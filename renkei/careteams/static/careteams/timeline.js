/* The timeline's compose box: the post being written is kept in this browser (localStorage, per patient) until
   the server says it was sent, so a lost connection or a reload loses nothing; the kind reveals its observation
   fields. Photos cannot be kept in a draft: the state line says so. No library but htmx (optional). */
(function () {
  "use strict";

  var STORE = "renkei.timeline.draft.";

  function compose() { return document.getElementById("compose"); }
  function storageKey(form) { return STORE + form.getAttribute("data-patient"); }
  function lang() { return (document.documentElement.lang || "ja").slice(0, 2); }
  function say(ja, en) { return lang() === "ja" ? ja : en; }

  function setState(form, text, tone) {
    var line = form.querySelector(".draft-state");
    if (!line) { return; }
    line.textContent = text;
    line.className = "draft-state" + (tone ? " draft-" + tone : "");
  }

  function read(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function write(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }
  function forget(key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* private mode */ }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "submit" && el.name !== "csrfmiddlewaretoken";
    });
  }

  function snapshot(form) {
    var values = {};
    var hasContent = false;
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (values[el.name] = values[el.name] || []).push(el.value); }
        if (el.checked && el.type === "checkbox") { hasContent = true; }
      } else {
        values[el.name] = el.value;
        if (el.value && el.name !== "client_key" && el.name !== "kind" && el.name !== "urgency" &&
            el.tagName !== "SELECT") { hasContent = true; }
      }
    });
    return hasContent ? values : null;
  }

  function restore(form, values) {
    fields(form).forEach(function (el) {
      if (!(el.name in values)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values[el.name].indexOf(el.value) !== -1;
      } else {
        el.value = values[el.name];
      }
    });
  }

  function save(form) {
    var values = snapshot(form);
    if (!values) {
      forget(storageKey(form));
      setState(form, "", "");
      return;
    }
    if (write(storageKey(form), values)) {
      setState(form, say("下書きをこの端末に保存しています（まだ送信していません）",
                         "Draft kept on this device (not sent yet)"), "kept");
    }
  }

  function showKindFields(form) {
    var kind = form.querySelector("[name=kind]");
    var groups = {observation: ["vitals", "adl", "meals"], medication: ["medication"]}[kind && kind.value] || [];
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.compose-observations"), function (set) {
      set.hidden = groups.indexOf(set.getAttribute("data-group")) === -1;
    });
    if (groups.length) {
      var options = form.querySelector(".compose-options");
      if (options) { options.open = true; }
    }
  }

  function sentKeyClears(form, key) {
    var draft = read(storageKey(form));
    if (draft && key && draft.client_key === key) {
      forget(storageKey(form));
      return true;
    }
    return false;
  }

  function setUp(form) {
    if (!form || form.getAttribute("data-ready")) { return; }
    form.setAttribute("data-ready", "1");
    var timeline = form.closest(".timeline");
    var sent = form.getAttribute("data-sent-key") || (timeline && timeline.getAttribute("data-sent-key"));
    if (sent && sentKeyClears(form, sent)) {
      setState(form, say("送信しました", "Sent"), "sent");
    }
    var draft = read(storageKey(form));
    if (draft && !form.querySelector(".error")) {
      restore(form, draft);
      setState(form, say("送信していない下書きを戻しました。内容を確かめて送信してください",
                         "Your unsent draft was restored: check it and send"), "kept");
    } else if (draft) {
      save(form);  // the server returned the form with errors: keep what it holds now
    }
    showKindFields(form);
    form.addEventListener("input", function () { save(form); });
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind") { showKindFields(form); }
      if (event.target.type === "file" && event.target.files.length) {
        setState(form, say("写真・PDF は下書きに残りません。送信まで画面を閉じないでください",
                           "Photos and PDFs are not kept in the draft: send before closing the page"), "kept");
        return;
      }
      save(form);
    });
    form.addEventListener("submit", function () { save(form); });
    form.addEventListener("htmx:sendError", function () {
      setState(form, say("送信できませんでした（接続を確認してください）。下書きは残っています",
                         "Could not send (check the connection). The draft is kept"), "error");
    });
    form.addEventListener("htmx:responseError", function () {
      setState(form, say("送信できませんでした。下書きは残っています", "Could not send. The draft is kept"), "error");
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail && event.detail.xhr;
      var key = xhr && xhr.getResponseHeader("X-Post-Sent");
      if (key) {
        forget(storageKey(form));
        var empty = document.getElementById("no-posts");
        if (empty) { empty.remove(); }
      }
    });
  }

  function ready() {
    setUp(compose());
    var focus = document.querySelector("[data-focus]");
    if (focus) { focus.focus(); focus.removeAttribute("data-focus"); }
  }

  document.addEventListener("DOMContentLoaded", ready);
  // The fresh compose box htmx puts in after a send: tell the person it went, and set it up.
  document.addEventListener("htmx:load", function (event) {
    var form = compose();
    if (form && !form.getAttribute("data-ready")) {
      setUp(form);
    }
    var focus = document.querySelector("[data-focus]");
    if (focus) { focus.focus(); focus.removeAttribute("data-focus"); }
  });
}());
