// Follows the live state of an event by polling its data-state-url with If-None-Match:
// GET /live/<slug>/state (screen, stage, control) or /live/<slug>/show (the ballot page).
// Each poll waits a jittered interval, and longer when the page is hidden or the server
// struggles, so that a change (the vote opens) never makes every phone fire at once.
(function () {
  "use strict";
  var root = document.querySelector("[data-state-url]");
  if (!root || !window.fetch) { return; }

  var stateUrl = root.dataset.stateUrl;
  var baseInterval = parseInt(root.dataset.interval || "2500", 10);
  var etag = null;
  var clockOffset = 0;          // server time minus local time, in ms
  var failures = 0;
  var timer = null;

  function delay() {
    var interval = document.hidden ? 15000 : baseInterval;
    interval = interval * Math.pow(2, Math.min(failures, 4));
    return interval * (0.75 + Math.random() * 0.5);
  }

  function schedule() { timer = window.setTimeout(poll, delay()); }

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

  function version(tag) { return (tag || "").split("-")[1]; }

  function apply(state) {
    document.querySelectorAll("[data-turnout-votes]").forEach(function (el) {
      if (state.poll) { el.textContent = state.poll.votes.toLocaleString(document.documentElement.lang); }
    });
    if (root.dataset.pollStatus !== undefined) { followVote(state); }
    if (root.dataset.stageUrl) { followStage(state); }
    if (root.dataset.reloadOnChange && version(state.tag) !== version(root.dataset.tag)) {
      window.location.reload();
    }
  }

  // Voting page: reload (after a random pause) when voting opens or closes.
  function followVote(state) {
    var status = state.poll ? state.poll.status : "none";
    var pollId = state.poll ? String(state.poll.id) : "";
    if (status !== root.dataset.pollStatus || pollId !== root.dataset.pollId) {
      root.dataset.pollStatus = status;
      root.dataset.pollId = pollId;
      window.setTimeout(function () { window.location.reload(); }, Math.random() * 2000);
    }
  }

  // Big screen: swap in the new stage when the show changed (not for a mere new vote).
  function followStage(state) {
    var stage = document.getElementById("stage");
    if (stage && version(stage.dataset.tag) === version(state.tag)) { return; }
    fetch(root.dataset.stageUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html) { root.innerHTML = html; tick(); } });
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
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
  tick();
  poll();
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
