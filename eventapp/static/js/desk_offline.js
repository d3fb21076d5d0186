// The check-in desk when the venue's network drops. While staff are signed in, the desk keeps
// the event's participant list (names, organisations, ticket codes, check-in and card status)
// in IndexedDB; offline it checks in by ticket code (scanned or typed) and by name from that
// list, queues the check-ins and card hand-outs, and sends them when the network is back
// (each action with its own random id, so that sending one twice does it once). The server
// resolves conflicts and the desk shows its answers. The list is deleted when staff sign out
// (and by the server's Clear-Site-Data), when the server no longer knows the session, and
// after the event day. A service worker (checkin/desk-worker.js) opens the page offline.
(function () {
  "use strict";
  var box = document.getElementById("offline-desk");
  if (!box || !window.indexedDB || !window.fetch || !window.crypto || !crypto.randomUUID) { return; }
  var words = box.dataset;
  var deskUrl = words.desk;
  var ticketForm = document.getElementById("ticket-form");
  var ticketField = document.getElementById("ticket");
  var searchForm = document.getElementById("search-form");
  var searchField = document.getElementById("q");
  var offlineFound = document.getElementById("offline-found");
  var connection = box.querySelector("[data-connection]");
  var waitingCount = box.querySelector("[data-waiting-count]");
  var messages = box.querySelector("[data-messages]");
  var conflicts = box.querySelector("[data-conflicts]");
  var LIST_AGE = 60000;  // refresh the list kept on the device this often while online
  var BATCH = 200;       // what the server takes in one request (checkin/forms.py)

  var list = null;       // {slug: deskUrl, owner, expires, people, fetched}
  var queue = [];        // actions not yet answered by the server, in the order they were done
  var online = navigator.onLine;
  var syncing = false;
  var over = false;      // the event day has passed

  // --- IndexedDB: one store for the lists (by desk), one for the queue (by action id). ---
  var opened = new Promise(function (resolve, reject) {
    var request = indexedDB.open("eventapp-desk", 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore("lists", { keyPath: "slug" });
      request.result.createObjectStore("queue", { keyPath: "id" }).createIndex("desk", "desk");
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function store(name, mode, work) {
    return opened.then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(name, mode);
        var result = work(transaction.objectStore(name));
        transaction.oncomplete = function () { resolve(result && result.result); };
        transaction.onerror = function () { reject(transaction.error); };
      });
    });
  }

  function forgetList() {
    list = null;
    if (window.caches) { caches.delete("desk:" + deskUrl); }
    return store("lists", "readwrite", function (lists) { lists.delete(deskUrl); });
  }

  // --- What the desk shows. ---
  function say(text, kind) {
    var message = document.createElement("div");
    message.className = "alert alert-" + kind;
    message.textContent = text;
    messages.replaceChildren(message);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return values[name]; });
  }

  function showState() {
    box.hidden = false;
    connection.textContent = online ? words.online : words.offline;
    connection.className = "badge fs-6 text-wrap text-start " + (online ? "text-bg-success" : "text-bg-dark");
    var waiting = checkIns(queue);
    waitingCount.textContent = waiting ? fill(words.waiting, { n: waiting }) : "";
  }

  function showConflict(text) {
    var item = document.createElement("li");
    item.textContent = text;
    conflicts.querySelector("ul").append(item);
    conflicts.hidden = false;
  }

  function showCounts(counts) {
    var counter = document.getElementById("checkin-counts");
    counter.querySelector("[data-checked-in]").textContent = counts.checked_in;
    counter.querySelector("[data-confirmed]").textContent = counts.confirmed;
  }

  // The session has ended (signed out here or elsewhere): the list goes; what waits stays
  // until someone signs in again on this device.
  function signedOut() {
    online = true;
    say(words.signedOut, "danger");
    return forgetList();
  }

  // --- The list kept on the device. ---
  function person(test) {
    return list ? list.people.find(test) : undefined;
  }

  function saveList() {
    if (!list) { return Promise.resolve(); }
    return store("lists", "readwrite", function (lists) { lists.put(list); });
  }

  function expired(stored) {
    return Date.now() > Date.parse(stored.expires) || String(stored.owner) !== words.user;
  }

  function fetchList() {
    return fetch(words.people, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.redirected || response.status === 401 || response.status === 403) {
          return signedOut();
        }
        if (!response.ok) { throw new Error(response.status); }
        return response.json().then(function (fresh) {
          online = true;
          if (Date.now() > Date.parse(fresh.expires)) {
            over = true;  // after the event day the device keeps no list
            return;
          }
          list = { slug: deskUrl, owner: fresh.owner, expires: fresh.expires,
                   people: fresh.people, fetched: Date.now() };
          // What this desk did and has not sent yet stays done on the device.
          queue.forEach(applyLocally);
          return saveList();
        });
      }, function () { online = false; });
  }

  // --- The queue. ---
  function checkIns(actions) {
    return actions.filter(function (a) { return a.kind === "check_in"; }).length;
  }

  function applyLocally(action) {
    var found = person(function (p) { return p.id === action.registration; });
    if (!found) { return; }
    if (action.kind === "check_in") { found.checked_in = true; } else { found.card = true; }
  }

  function enqueue(kind, found) {
    var action = { id: crypto.randomUUID(), desk: deskUrl, kind: kind,
                   registration: found.id, at: Date.now() };
    queue.push(action);
    applyLocally(action);
    return Promise.all([saveList(), store("queue", "readwrite", function (q) { q.put(action); })])
      .then(function () { showState(); sync(); });
  }

  function deskId() {
    var id = localStorage.getItem("eventapp-desk-id");
    if (!id) {
      id = crypto.randomUUID();
      localStorage.setItem("eventapp-desk-id", id);
    }
    return id;
  }

  function sync() {
    if (syncing || !queue.length) { return Promise.resolve(); }
    syncing = true;
    var batch = queue.slice(0, BATCH);
    return fetch(words.sync, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": words.csrf },
      body: JSON.stringify({
        desk: deskId(), waiting: checkIns(queue) - checkIns(batch),
        actions: batch.map(function (a) { return { id: a.id, kind: a.kind, registration: a.registration }; })
      })
    }).then(function (response) {
      if (response.redirected) { return signedOut(); }
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (answer) {
      if (!answer) { return; }
      online = true;
      var done = answer.results.map(function (result) { return result.id; });
      answer.results.forEach(function (result, index) {
        var found = person(function (p) { return p.id === result.registration; });
        if (found && result.refused && batch[index].kind === "card" && result.outcome !== "has_card") {
          found.card = false;  // the server did not note the card: it may be handed out later
        }
        if (result.refused || result.outcome === "already_checked_in") {
          showConflict(result.message);
        }
      });
      queue = queue.filter(function (a) { return done.indexOf(a.id) < 0; });
      showCounts(answer.counts);
      return Promise.all([saveList(), store("queue", "readwrite", function (q) {
        done.forEach(function (id) { q.delete(id); });
      })]);
    }).catch(function () { online = false; })
      .then(function () { syncing = false; showState(); });
  }

  function tick() {
    if (list && expired(list)) { forgetList(); }
    var stale = !online || !list || Date.now() - list.fetched > LIST_AGE;
    var next = queue.length ? sync() : (stale && !over) ? fetchList() : Promise.resolve();
    return next.then(showState);
  }

  // --- Offline: check in by ticket code and by name from the list. ---
  function checkIn(found) {
    if (found.checked_in) {
      say(fill(words.already, { name: found.name }), "warning");
      return;
    }
    enqueue("check_in", found).then(function () {
      say(fill(words.queued, { name: found.name }), "success");
      if (!offlineFound.hidden) { searchLocally(searchField.value); }
    });
  }

  function handOutCard(found) {
    enqueue("card", found).then(function () {
      say(fill(words.cardQueued, { name: found.name }), "success");
      searchLocally(searchField.value);
    });
  }

  function button(text, name, kind, action) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-sm " + kind;
    element.textContent = text;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + name;
    element.append(hidden);
    element.addEventListener("click", action);
    return element;
  }

  function badge(text, kind) {
    var element = document.createElement("span");
    element.className = "badge " + kind;
    element.textContent = text;
    return element;
  }

  function searchLocally(text) {
    var found = document.getElementById("found");
    if (found) { found.hidden = true; }
    var needle = text.trim().toLocaleLowerCase();
    var items = needle && list ? list.people.filter(function (p) {
      return (p.name + " " + p.organisation).toLocaleLowerCase().indexOf(needle) >= 0;
    }).slice(0, 20) : [];
    offlineFound.replaceChildren();
    offlineFound.hidden = !needle;
    if (needle && !items.length) {
      var nobody = document.createElement("li");
      nobody.className = "list-group-item";
      nobody.textContent = list ? words.nobody : words.noList;
      offlineFound.append(nobody);
    }
    items.forEach(function (p) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2";
      var who = document.createElement("span");
      who.textContent = p.name;
      var organisation = document.createElement("span");
      organisation.className = "d-block small text-body-secondary";
      organisation.textContent = p.organisation;
      who.append(organisation);
      var state = document.createElement("span");
      state.className = "d-flex flex-wrap align-items-center gap-2";
      if (!p.checked_in) {
        state.append(button(words.checkIn, p.name, "btn-primary", function () { checkIn(p); }));
      } else {
        state.append(badge(words.checkedInBadge, "text-bg-success"));
        if (p.card) {
          state.append(badge(words.hasCard, "text-bg-secondary"));
        } else if (words.cards) {
          state.append(button(words.card, p.name, "btn-outline-primary", function () { handOutCard(p); }));
        }
      }
      item.append(who, state);
      offlineFound.append(item);
    });
  }

  ticketForm.addEventListener("submit", function (event) {
    if (online) { return; }
    event.preventDefault();
    var code = ticketField.value.trim();
    var found = person(function (p) { return p.ticket === code; });
    ticketField.value = "";
    if (!found) {
      say(list ? words.unknown : words.noList, "warning");
      return;
    }
    checkIn(found);
  });

  searchForm.addEventListener("submit", function (event) {
    if (online) { return; }
    event.preventDefault();
    searchLocally(searchField.value);
  });

  var signOut = document.querySelector("form[action$='/logout']");
  if (signOut) {
    signOut.addEventListener("submit", function (event) {
      if (queue.length && !window.confirm(words.loseQueue)) {
        event.preventDefault();
        return;
      }
      forgetList();
    });
  }

  window.addEventListener("online", function () { online = true; tick(); });
  window.addEventListener("offline", function () { online = false; showState(); });

  // The page and its files, for the service worker to open the desk offline.
  if (navigator.serviceWorker && window.caches) {
    navigator.serviceWorker.register(words.worker, { scope: deskUrl }).then(function () {
      var files = Array.prototype.map.call(
        document.querySelectorAll("link[rel=stylesheet], link[rel=icon], script[src]"),
        function (element) { return element.href || element.src; });
      return caches.open("desk:" + deskUrl).then(function (cache) {
        return cache.addAll([deskUrl].concat(files));
      });
    }).catch(function () { /* without it the open page still works offline */ });
  }

  Promise.all([
    store("lists", "readonly", function (lists) { return lists.get(deskUrl); }),
    store("queue", "readonly", function (q) { return q.index("desk").getAll(deskUrl); })
  ]).then(function (stored) {
    list = stored[0] && !expired(stored[0]) ? stored[0] : null;
    if (stored[0] && !list) { forgetList(); }
    queue = (stored[1] || []).sort(function (a, b) { return a.at - b.at; });
    return tick();
  }).then(function () {
    // A search sent while the network was down opened this page from the cache.
    var asked = new URLSearchParams(window.location.search).get("q");
    if (!online && asked) {
      searchField.value = asked;
      searchLocally(asked);
    }
    window.setInterval(tick, 5000);
  });
})();
