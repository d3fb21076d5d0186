// The dress rehearsal (eventapp/rehearsal). A phone's page measures the time from the scan
// (its navigation start) to its ballot, how soon it saw the practice question open (live.js
// follows the state and hands it over as "live:state"), and its answer's round trip. The big
// screen says when it saw the question open ("live:stage", after live.js swapped the stage
// in). Each goes to the server in a small POST under the page's random id, one after the
// other: no name, no address, no user agent.
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var queue = Promise.resolve();

  function post(url, fields) {
    return fetch(url, { method: "POST", body: new URLSearchParams(fields),
                        credentials: "same-origin", headers: { "Accept": "application/json" } });
  }

  function report(url, fields) {
    queue = queue.then(function () { return post(url, fields); }).catch(function () {});
  }

  // A phone: the practice question.
  var page = document.getElementById("rehearsal");
  if (page) {
    var form = page.querySelector("[data-rehearsal-ballot]");
    var base = { csrf_token: form.elements.csrf_token.value, phone: form.elements.phone.value };
    var answered = false;

    function phoneReport(fields) {
      report(page.dataset.reportUrl, Object.assign({}, base, fields));
    }

    function show(which) {
      ["waiting", "thanks", "ended"].forEach(function (name) {
        page.querySelector("[data-rehearsal-" + name + "]").hidden = name !== which;
      });
      form.hidden = which !== null;
    }

    phoneReport({ ballot_ms: Math.round(performance.now()) });
    page.addEventListener("live:state", function (event) {
      var state = event.detail;
      if (state.mode !== "rehearsal") {
        show("ended");
      } else if (state.rehearsal.open && form.hidden && !answered) {
        show(null);
        phoneReport({ seen: "y" });
      }
    });
    form.addEventListener("submit", function (event) {
      if (!form.querySelector("input[name=answer]:checked")) { return; }  // the server says so
      event.preventDefault();
      if (answered) { return; }
      answered = true;
      var data = new FormData(form);
      // In the queue: the phone's first report makes its row, the answer may not race it.
      queue = queue.then(function () {
        var start = performance.now();
        return post(form.action, data).then(function (response) {
          if (!response.ok) { throw new Error("answer " + response.status); }
          return performance.now() - start;
        });
      }).then(function (took) {
        show("thanks");
        phoneReport({ vote_ms: Math.round(took) });
      }, function () { form.submit(); });  // the server's page says what went wrong
    });
  }

  // The big screen: when it swapped in the opened practice question, once per opening.
  var screenId = Array.prototype.map.call(window.crypto.getRandomValues(new Uint8Array(16)),
    function (byte) { return ("0" + byte.toString(16)).slice(-2); }).join("");
  var seen = false;
  document.addEventListener("live:stage", function () {
    var box = document.querySelector("[data-rehearsal-screen]");
    var open = box && box.dataset.open === "1";
    if (open && !seen) {
      report(box.dataset.rehearsalScreen,
             { csrf_token: box.dataset.csrf, phone: screenId, kind: "screen", seen: "y" });
    }
    seen = open;
  });
})();
