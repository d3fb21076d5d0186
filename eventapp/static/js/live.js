// Follows the live state of an event: GET /live/<slug>/state (screen, stage, control) or
// /live/<slug>/show (the ballot page).
// Pushed where the page says so (<meta name="live-push">, eventapp/live/push.py): an
// EventSource on <state URL>/push, which nginx's Nchan answers with each change as the JSON a
// poll gets. Else, and whenever that connection fails, polled with If-None-Match: each poll
// waits a jittered interval, and longer when the page is hidden or the server struggles, so
// that a change (the vote opens) never makes every phone fire at once.
(function () {
  "use strict";
  var root = document.querySelector("[data-state-url]");
  if (!root || !window.fetch) { return; }

  var stateUrl = root.dataset.stateUrl;
  var baseInterval = parseInt(root.dataset.interval || "2500", 10);
  var pushMeta = document.querySelector('meta[name="live-push"]');
  var pushUrl = pushMeta && window.EventSource ? stateUrl + "/push" : null;
  var pushed = false;           // an EventSource is connected: no polling
  var etag = null;
  var clockOffset = 0;          // server time minus local time, in ms
  var failures = 0;
  var timer = null;

  function delay() {
    var interval = document.hidden ? 15000 : baseInterval;
    interval = interval * Math.pow(2, Math.min(failures, 4));
    return interval * (0.75 + Math.random() * 0.5);
  }

  function schedule() {
    window.clearTimeout(timer);
    if (!pushed) { timer = window.setTimeout(poll, delay()); }
  }

  function poll() {
    window.clearTimeout(timer);
    // JSON also when the server is briefly unavailable (503), then retried with back-off.
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(stateUrl, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        var serverTime = parseInt(response.headers.get("X-Server-Time") || "0", 10);
        if (serverTime) { clockOffset = serverTime - Date.now(); }
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error("state " + response.status); }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        if (state) { apply(state); }
      })
      .catch(function () { failures += 1; })
      .then(schedule);
  }

  // The push: a message is the state as a poll gets it, tag included. When the connection
  // fails the page polls (the browser tries to connect again by itself; a refusal, such as
  // nginx's 429 or 502, ends the EventSource: then it tries again after a minute or two).
  function subscribe() {
    var source = new EventSource(pushUrl);
    source.onopen = function () {
      pushed = true;
      failures = 0;
      // The state as of now, should a change have come between the page and the connection
      // before the channel kept it: mostly a 304.
      poll();
    };
    source.onmessage = function (message) {
      var state;
      try { state = JSON.parse(message.data); } catch (error) { return; }
      etag = '"' + state.tag + '"';
      apply(state);
    };
    source.onerror = function () {
      pushed = false;
      schedule();
      if (source.readyState === 2) {  // CLOSED: refused, not retried by the browser
        window.setTimeout(subscribe, 60000 + Math.random() * 60000);
      }
    };
  }

  function version(tag) { return (tag || "").split("-")[1]; }
  // What the stage draws: the show, and the words of a word cloud on it (the tag's end).
  function stageVersion(tag) { return version(tag) + "/" + (tag || "").split(".").pop(); }

  function apply(state) {
    // For the page's own scripts (static/js/rehearsal.js): the state as it arrived.
    root.dispatchEvent(new CustomEvent("live:state", { detail: state }));
    document.querySelectorAll("[data-turnout-votes]").forEach(function (el) {
      if (state.poll && state.poll.votes !== undefined) {
        el.textContent = state.poll.votes.toLocaleString(document.documentElement.lang);
      }
    });
    if (root.dataset.pollStatus !== undefined) { followVote(state); }
    if (root.dataset.stageUrl) { followStage(state); }
    if (root.dataset.reloadOnChange && version(state.tag) !== version(root.dataset.tag)) {
      window.location.reload();
    }
  }

  // Voting page: when voting opens on a poll whose ballot came with the page, show it (no
  // page load: in a full hall every phone would load it at once); on any other change,
  // reload after a random pause.
  function followVote(state) {
    var status = state.poll ? state.poll.status : "none";
    var pollId = state.poll ? String(state.poll.id) : "";
    if (status === root.dataset.pollStatus && pollId === root.dataset.pollId) { return; }
    root.dataset.pollStatus = status;
    root.dataset.pollId = pollId;
    var ballot = status === "open" && root.querySelector('[data-ballot-for="' + pollId + '"]');
    if (ballot) {
      root.querySelectorAll("[data-waiting]").forEach(function (el) { el.hidden = true; });
      ballot.hidden = false;
      return;
    }
    window.setTimeout(function () { window.location.reload(); }, Math.random() * 2000);
  }

  // Big screen (and the audience's questions on a phone): swap in the new content when the
  // show or the cloud's words changed (not for a mere new vote).
  function followStage(state) {
    var stage = root.querySelector("[data-tag]");
    if (stage && stageVersion(stage.dataset.tag) === stageVersion(state.tag)) { return; }
    fetch(root.dataset.stageUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        root.innerHTML = html;
        tick();
        root.dispatchEvent(new CustomEvent("live:stage", { bubbles: true }));
      });
  }

  // Pitch countdown from the server's start time: the same second on every screen.
  function tick() {
    document.querySelectorAll("[data-countdown-start]").forEach(function (el) {
      var start = Date.parse(el.dataset.countdownStart);
      if (isNaN(start)) { return; }
      var end = start + parseInt(el.dataset.countdownSeconds, 10) * 1000;
      var left = Math.max(0, Math.ceil((end - (Date.now() + clockOffset)) / 1000));
      el.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      el.classList.toggle("stage-countdown-over", left === 0);
      el.classList.toggle("stage-countdown-ending", left > 0 && left <= 30);
    });
  }

  window.setInterval(tick, 250);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !pushed) { poll(); }
  });
  tick();
  if (pushUrl) { subscribe(); } else { poll(); }
})();

// The ballot's confirm step on the page (templates/awards/_ballot_form.html): "Continue"
// shows the choice and "Cast my vote", whose one POST casts the vote; without JavaScript the
// server asks on a page of its own.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    var step = form.querySelector("[data-confirm-step]");
    var ask = form.querySelector("[data-confirm-ask]");
    if (!step || !ask) { return; }
    function back() { step.hidden = true; ask.hidden = false; }
    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.name === "confirmed") { return; }
      var chosen = form.querySelector("input[name=finalist]:checked");
      if (!chosen) { return; }  // the server says what is missing
      event.preventDefault();
      var label = form.querySelector('label[for="' + chosen.id + '"]');
      step.querySelector("[data-confirm-choice]").textContent =
        label ? label.textContent.replace(/\s+/g, " ").trim() : "";
      ask.hidden = true;
      step.hidden = false;
      step.querySelector("[name=confirmed]").focus();
    });
    form.addEventListener("change", back);
    step.querySelector("[data-confirm-back]").addEventListener("click", back);
  });
})();

// Stage page: the box of breakout room links (data-rooms-url), fetched again about once a
// minute, since a room's link appears 15 minutes before its slot on a page open for hours.
// Jittered like the state, and rarer while the page is hidden.
(function () {
  "use strict";
  var box = document.querySelector("[data-rooms-url]");
  if (!box || !window.fetch) { return; }
  var timer = null;

  function schedule() {
    var interval = parseInt(box.dataset.roomsInterval || "60000", 10) * (document.hidden ? 5 : 1);
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, interval * (0.75 + Math.random() * 0.5));
  }

  function refresh() {
    window.clearTimeout(timer);
    fetch(box.dataset.roomsUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        // A lapsed session ends on the sign-in page: keep the box as it was.
        return response.ok && !response.redirected ? response.text() : null;
      })
      .then(function (html) { if (html !== null) { box.innerHTML = html; } })
      .catch(function () {})
      .then(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { window.setTimeout(refresh, Math.random() * 5000); }
  });
  schedule();
})();
