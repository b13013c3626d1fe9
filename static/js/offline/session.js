// The study page without the network (docs/offline.md).
//
// Online, the page works as before (study.js, answered by the server); this
// script keeps the day's session on the device for later: it registers the
// service worker (which keeps the page and its files), downloads the day's
// bundle into IndexedDB (studyStore) and applies each online action to that
// copy, so that it stays current.
//
// Offline (the browser says so, or the server cannot be reached), the page
// runs from the device ("device mode"): the next card comes from the copy,
// by the server's rules, and grades are timed by FSRS (queue.js), so that
// Again and the learning steps come back; undo, bury, suspend and scenario questions work as
// online, with the same keys and screens (study.js handles the keys). Each
// action is recorded on the device with a client id, the card's version and
// its time (studyStore.record), and sent (studySync) when the network is
// back: on `online`, on the next page load, and by Background Sync where the
// browser has it. The mark "Offline: N answers waiting" says where things
// stand. The server's replay of the answers is authoritative.
(() => {
  const SYNC_TAG = "studyapp-answers";
  // Online in device mode, answers leave after this pause, so that U can
  // still take back the last one on the device.
  const SEND_PAUSE_MS = 3000;

  const store = self.studyStore;
  const screens = self.studyScreens;
  const rules = self.studyQueue;
  const root = () => document.getElementById("study");

  let userId = null;
  let active = false; // the page runs from the device
  let day = null;
  const cards = new Map(); // state_id -> card, as studyStore keeps it
  let scheduler = null;
  let shown = null; // {card, order, shownAt}
  let waiting = 0;
  let syncing = false;
  let lastSync = null;
  // What the syncs had to say (the page's or the worker's): told until the page goes.
  const told = { superseded: 0, refused: 0 };
  let sendTimer = null;
  let writes = Promise.resolve();
  let seqCounter = 0;

  const csrfToken = () => window.studyPage.csrfToken();


  // -- what is on screen ---------------------------------------------------------------

  // The online page's own way of putting a card on screen (focus, scrolling).
  const put = (section) => window.studyPage.show(section);


  function shuffled(count) {
    const order = [...Array(count).keys()];
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }

  function showCard(card, notice) {
    const now = Date.now();
    const { left } = rules.next(day, cards.values(), now);
    screens.progress(day.done, left);
    let section;
    let order = null;
    if (!card) {
      section = screens.done();
    } else if (card.question && card.question.mode === "choice") {
      order = shuffled(card.question.options.length);
      section = screens.question(card, order);
    } else {
      const next = rules.outcomes(scheduler, card.cur.fsrs, now, day.day_end);
      section = screens.flashCard(card, { 1: next[1].ms, 2: next[2].ms, 3: next[3].ms, 4: next[4].ms });
    }
    section.dataset.key = card ? `${card.state_id}:${card.cur.version}` : "";
    if (notice) section.prepend(notice);
    shown = { card, order, shownAt: performance.now() };
    put(section);
  }

  function showNext(notice) {
    showCard(rules.next(day, cards.values(), Date.now()).next, notice);
  }

  function notice(message, options) {
    const current = document.getElementById("study-card");
    if (!current) return;
    const old = current.querySelector("#study-flash");
    const node = screens.flash(message, options);
    if (old) old.replaceWith(node);
    else current.prepend(node);
  }

  // The mark: offline or not, how many answers wait, what the last sync said.
  function mark() {
    const node = document.getElementById("offline-mark");
    const page = root();
    if (!node || !page) return;
    page.dataset.waiting = String(waiting);
    page.dataset.device = active ? "on" : "off";
    const t = screens.texts();
    const parts = [];
    if (!navigator.onLine) parts.push(waiting ? screens.counted(t.waiting, waiting) : t.offline_idle);
    else if (syncing && waiting) parts.push(screens.counted(t.sending, waiting));
    else if (lastSync && lastSync.outcome === "signed-out") parts.push(t.signed_out);
    else if (waiting) parts.push(screens.counted(t.waiting, waiting));
    else if (active || (lastSync && lastSync.sent)) parts.push(t.saved);
    if (told.superseded) parts.push(screens.counted(t.superseded, told.superseded));
    if (told.refused) parts.push(screens.counted(t.refused, told.refused));
    const text = parts.join(" ");
    node.hidden = text === "";
    if (node.textContent !== text) node.textContent = text;
  }

  // -- actions on the device -------------------------------------------------------------

  function nextSeq() {
    seqCounter = (seqCounter + 1) % 1000;
    return Date.now() * 1000 + seqCounter;
  }

  // Change the card as the action does; returns {before, counts}.
  function change(card, kind, rating, now) {
    const before = { cur: structuredClone(card.cur), hidden: card.hidden };
    const counts = { done: 0, new_done: 0, reviews_done: 0 };
    if (kind === "grade" || kind === "answer") {
      const previous = rules.stateOf(card);
      card.cur = { fsrs: rules.outcomes(scheduler, card.cur.fsrs, now, day.day_end)[rating].fsrs, version: card.cur.version + 1 };
      counts.done = 1;
      if (previous === rules.NEW) counts.new_done = 1;
      if (previous === rules.REVIEW) counts.reviews_done = 1;
    } else {
      card.hidden = kind === "bury" ? "buried" : "suspended";
      card.cur = { ...card.cur, version: card.cur.version + 1 };
    }
    for (const key of Object.keys(counts)) day[key] += counts[key];
    return { before, counts };
  }

  function record(kind, { rating = null, chosen = null } = {}) {
    const card = shown && shown.card;
    if (!card) return;
    const now = Date.now();
    const { before, counts } = change(card, kind, rating, now);
    const entry = {
      client_id: crypto.randomUUID(),
      state_id: card.state_id,
      card_version: before.cur.version,
      rating: kind === "grade" ? rating : null,
      chosen: kind === "answer" ? chosen : null,
      answered_at: now,
      duration_ms: Math.round(performance.now() - shown.shownAt),
      fetched_at: Date.parse(day.generated_at),
      kind,
      seq: nextSeq(),
      before,
      counts,
    };
    const saved = structuredClone(card);
    const savedDay = structuredClone(day);
    writes = writes
      .then(() => store.record(userId, saved, savedDay, entry))
      .then(() => {
        waiting += 1;
        mark();
        sendSoon();
      });
  }


  function answer(form) {
    const card = shown.card;
    const chosen = [...form.querySelectorAll("input[name=choice]:checked")].map((box) => box.value);
    const value = rules.score(card.question, chosen);
    const order = shown.order;
    record("answer", { rating: rules.ratingFor(value), chosen });
    put(screens.result(card, order, chosen, value));
    screens.progress(day.done, rules.next(day, cards.values(), Date.now()).left);
  }

  async function undo() {
    await writes;
    const entry = await store.undoLatest(userId);
    const t = screens.texts();
    if (!entry) {
      notice(t.nothing_to_undo);
      return;
    }
    waiting = Math.max(0, waiting - 1);
    const card = cards.get(entry.state_id);
    for (const key of Object.keys(entry.counts || {})) day[key] -= entry.counts[key];
    if (card) {
      card.cur = entry.before.cur;
      card.hidden = entry.before.hidden;
    }
    const kind = entry.kind === "bury" ? "bury" : entry.kind === "suspend" ? "suspend" : "answer";
    mark();
    showCard(card || rules.next(day, cards.values(), Date.now()).next, screens.flash(t[`undone_${kind}`]));
  }

  function hide(kind) {
    record(kind);
    const t = screens.texts();
    showNext(screens.flash(kind === "bury" ? t.buried : t.suspended, { undo: true }));
  }

  // Forms and buttons of the study page, in device mode. Capture phase: the
  // online handlers (study.js) never see them.
  document.addEventListener(
    "submit",
    (event) => {
      if (!active) return;
      const form = event.target;
      const how = form.dataset ? form.dataset.study : undefined;
      if (!how) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (how === "offline-grade") {
        const rating = Number(event.submitter ? event.submitter.value : 3);
        if (rating >= 1 && rating <= 4) {
          record("grade", { rating });
          showNext();
        }
      } else if (how === "offline-answer") answer(form);
      else if (how === "offline-bury") hide("bury");
      else if (how === "offline-suspend") hide("suspend");
      else if (form.classList.contains("undo-form")) undo();
    },
    true,
  );

  document.addEventListener(
    "click",
    (event) => {
      if (!active) return;
      const target = event.target instanceof Element ? event.target : null;
      if (!target) return;
      if (target.closest("[data-offline-undo]")) {
        event.preventDefault();
        undo();
      } else if (target.closest("[data-offline-next]")) {
        event.preventDefault();
        showNext();
      }
    },
    true,
  );

  // -- sending ---------------------------------------------------------------------------

  async function sendNow() {
    clearTimeout(sendTimer);
    sendTimer = null;
    if (syncing || !navigator.onLine || userId === null) return null;
    await writes;
    syncing = true;
    mark();
    const page = root();
    const summary = await self.studySync.send(userId, page.dataset.syncUrl, csrfToken());
    syncing = false;
    waiting = await store.waitingCount(userId);
    lastSync = summary;
    await takeNotices();
    mark();
    return summary;
  }

  async function takeNotices() {
    const notes = await store.takeMeta(`notices:${userId}`);
    if (!notes) return;
    told.superseded += notes.superseded;
    told.refused += notes.refused;
  }

  function sendSoon() {
    if (!navigator.onLine) {
      // Background Sync sends them when the network is back, page open or not.
      navigator.serviceWorker?.ready
        .then((registration) => registration.sync && registration.sync.register(SYNC_TAG))
        .catch(() => undefined);
      return;
    }
    clearTimeout(sendTimer);
    sendTimer = setTimeout(sendNow, active ? SEND_PAUSE_MS : 0);
  }

  window.addEventListener("online", () => {
    mark();
    sendNow();
  });
  window.addEventListener("offline", () => {
    mark();
    enterDeviceMode();
  });

  // -- the device's copy ----------------------------------------------------------------

  async function loadCopy() {
    const copy = await store.load(userId);
    cards.clear();
    if (!copy) {
      day = null;
      return false;
    }
    day = copy.day;
    for (const card of copy.cards) cards.set(card.state_id, card);
    scheduler = rules.makeScheduler(day.scheduler);
    return true;
  }

  async function fetchBundle() {
    const response = await fetch(root().dataset.bundleUrl, { credentials: "same-origin", redirect: "manual" });
    const json = (response.headers.get("Content-Type") || "").startsWith("application/json");
    if (!response.ok || !json) return false;
    const bundle = await response.json();
    // Answers given meanwhile (on this page, or by another tab) are sent first.
    await writes;
    if ((await store.waitingCount(userId)) > 0) return false;
    await store.replace(userId, bundle, Date.now());
    return loadCopy();
  }

  async function enterDeviceMode() {
    if (active || userId === null) return;
    active = true;
    await writes;
    if (!day && !(await loadCopy())) {
      put(screens.done(screens.texts().no_bundle));
      mark();
      return;
    }
    showNext();
    mark();
  }

  // An action the online page sent (study.js): the device's copy follows it,
  // with no answer to send (the online request carries it), so that the copy
  // is current if the network goes. Undo cannot be followed on the device:
  // the copy is fetched again.
  const ACTION = /\/(grade|answer|bury|suspend)\/(\d+)\/$/;

  function acted(entry) {
    if (active || !day || entry.method !== "POST") return;
    if (entry.url.endsWith("/undo/")) {
      setTimeout(() => fetchBundle().catch(() => undefined), SEND_PAUSE_MS);
      return;
    }
    const match = ACTION.exec(new URL(entry.url, location.href).pathname);
    const card = match && cards.get(Number(match[2]));
    if (!card || String(card.cur.version) !== entry.body.get("version")) return;
    let kind = match[1];
    let rating = Number(entry.body.get("rating"));
    if (kind === "answer") rating = rules.ratingFor(rules.score(card.question, entry.body.getAll("choice")));
    if (kind === "grade" || kind === "answer") kind = "grade";
    change(card, kind, rating, Date.now());
    const saved = structuredClone(card);
    const savedDay = structuredClone(day);
    writes = writes.then(() => store.record(userId, saved, savedDay, null)).catch(() => undefined);
  }

  // study.js could not reach the server: offline for the browser, or a
  // second failure in a row, and the page runs from the device.
  function failed(entry) {
    if (!navigator.onLine || entry.retries >= 2) enterDeviceMode();
  }

  // -- the service worker ------------------------------------------------------------------

  function keepPage(worker) {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(Boolean(event.data && event.data.kept));
      worker.postMessage({ type: "keep-study-page" }, [channel.port2]);
      setTimeout(() => resolve(false), 30_000);
    });
  }

  async function registerWorker() {
    if (!("serviceWorker" in navigator)) return false;
    const container = navigator.serviceWorker;
    const controlled = Boolean(container.controller);
    // A worker that takes over this page (the first one, or a new deploy's)
    // keeps a copy of the study page made with its own files: the copy the
    // old one kept went with it.
    const kept = new Promise((resolve) => {
      container.addEventListener("controllerchange", () => {
        if (container.controller) keepPage(container.controller).then(resolve);
      });
    });
    await container.register(root().dataset.workerUrl, { scope: "/" });
    return controlled ? true : kept;
  }

  async function start() {
    const page = root();
    if (!page || !page.dataset.user || !store || !self.idb) return;
    userId = Number(page.dataset.user);
    self.studyOffline = { active: () => active, acted, failed };
    waiting = await store.waitingCount(userId);
    // Sent by the worker while no page was open: said now.
    await takeNotices();
    mark();
    if (!navigator.onLine) {
      await enterDeviceMode();
      return;
    }
    await store.setMeta("current", { userId, csrf: csrfToken() });
    const worker = registerWorker().catch(() => false);
    let fetched = false;
    try {
      if (waiting > 0) {
        // Answers from an offline session: sent first, then the server's
        // card replaces the one this page was rendered with.
        const summary = await sendNow();
        if (summary && summary.sent > 0 && window.studyPage) window.studyPage.refresh();
      }
      fetched = await fetchBundle();
    } catch (_error) {
      // The network failed: the page the worker kept is on screen.
      await enterDeviceMode();
    }
    if (fetched && (await worker)) page.dataset.offline = "ready";
  }

  // On the page's own tick: study.js's DOMContentLoaded runs first.
  document.addEventListener("DOMContentLoaded", () => {
    start().catch(() => undefined);
  });
})();
