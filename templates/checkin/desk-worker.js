// The check-in desk's service worker (its scope is the desk page only). Everything comes from
// the network as usual; when the network is down, the desk page and its files come from the
// cache the page fills on each visit (static/js/desk_offline.js), so the desk opens and goes
// on checking in from the list kept on the device.
"use strict";
var DESK = {{ desk_url|tojson }};
var CACHE = "desk:" + DESK;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== "GET") {
    // The desk's own requests (its queue sent to the server) go out by the worker as well:
    // one way out of the page, which Chromium's offline switch closes for the whole desk.
    if (request.mode !== "navigate") { event.respondWith(fetch(request)); }
    return;
  }
  event.respondWith(fetch(request).catch(function (error) {
    // A search sent while the network was down opens the desk page, which searches its list.
    var key = request.mode === "navigate" && url.pathname === DESK ? DESK : request;
    return caches.open(CACHE)
      .then(function (cache) { return cache.match(key); })
      .then(function (cached) {
        if (cached) { return cached; }
        throw error;
      });
  }));
});
