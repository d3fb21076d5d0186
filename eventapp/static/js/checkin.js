// The check-in desk: read ticket QR codes with the phone's camera (jsQR, served locally)
// and keep the counter current. Without a camera or JavaScript, typing the code or
// searching by name works just the same.
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  var field = document.getElementById("ticket");
  var start = document.getElementById("scan-start");
  var video = document.getElementById("scan-video");
  var counter = document.getElementById("checkin-counts");

  if (counter && window.fetch) {
    window.setInterval(function () {
      fetch(counter.dataset.countsUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (c) {
          if (!c) { return; }
          counter.querySelector("[data-checked-in]").textContent = c.checked_in;
          counter.querySelector("[data-confirmed]").textContent = c.confirmed;
        });
    }, 5000);
  }

  if (!form || !navigator.mediaDevices || !window.jsQR) { return; }
  start.hidden = false;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });

  function scan() {
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        field.value = code.data;
        // As a click would: the offline desk (desk_offline.js) takes the submit when needed.
        form.requestSubmit();
        return;
      }
    }
    window.requestAnimationFrame(scan);
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        start.hidden = true;
        return video.play();
      })
      .then(function () { window.requestAnimationFrame(scan); })
      .catch(function () { start.hidden = true; });
  });
})();
