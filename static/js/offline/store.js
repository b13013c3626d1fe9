// What the device keeps for offline study, in IndexedDB through idb (a
// small promise wrapper: transactions that commit when their promises
// settle, instead of IndexedDB's event callbacks). Loaded by the study page
// and by the service worker (importScripts), so both read the same stores.
//
// Stores, every record under the learner's user id (a shared device keeps
// each learner's answers apart, and sends only the signed-in learner's):
//   days     userId -> the bundle's day: study_day, day_end, limits, the
//            scheduler's configuration, fetched_at, and what was done today
//            on the device (done, new_done, reviews_done)
//   cards    [userId, state_id] -> the bundle's card, plus `cur` (its FSRS
//            state and version as the device has them now) and `hidden`
//   outbox   client_id -> one answer not yet sent: the API's entry, plus
//            userId, seq (the order given), `before` (the card's `cur` and
//            `hidden` before it) and `counts` (what it added to the day's
//            counts), for undo
//   meta     "current" -> {userId, csrf}: who is signed in (the worker's
//            Background Sync sends only their answers); "notices:<user>"
//            -> what the last sync had to say.
(function (scope) {
  const DB_NAME = "studyapp-offline";
  const DB_VERSION = 1;

  function open() {
    return scope.idb.openDB(DB_NAME, DB_VERSION, {
      upgrade(db) {
        db.createObjectStore("days", { keyPath: "userId" });
        const cards = db.createObjectStore("cards", { keyPath: ["userId", "state_id"] });
        cards.createIndex("user", "userId");
        const outbox = db.createObjectStore("outbox", { keyPath: "client_id" });
        outbox.createIndex("user_seq", ["userId", "seq"]);
        db.createObjectStore("meta");
      },
    });
  }

  let opened = null;
  function db() {
    if (!opened) opened = open();
    return opened;
  }

  function userRange(userId) {
    return IDBKeyRange.bound([userId, -Infinity], [userId, Infinity]);
  }

  async function waiting(userId) {
    return (await db()).getAllFromIndex("outbox", "user_seq", userRange(userId));
  }

  async function waitingCount(userId) {
    return (await db()).countFromIndex("outbox", "user_seq", userRange(userId));
  }

  async function load(userId) {
    const d = await db();
    const day = await d.get("days", userId);
    if (!day) return null;
    const cards = await d.getAllFromIndex("cards", "user", userId);
    return { day, cards };
  }

  // A fresh bundle replaces the learner's day and cards (only ever with no
  // answer waiting: the page sends them first, so nothing answered on the
  // device is overwritten by an older copy).
  async function replace(userId, bundle, fetchedAt) {
    const d = await db();
    const tx = d.transaction(["days", "cards"], "readwrite");
    const cards = tx.objectStore("cards");
    for (const key of await cards.index("user").getAllKeys(userId)) cards.delete(key);
    const { cards: list, ...day } = bundle;
    tx.objectStore("days").put({ ...day, userId, fetched_at: fetchedAt, done: 0, new_done: 0, reviews_done: 0 });
    list.forEach((card, order) => {
      cards.put({ ...card, userId, order, cur: { fsrs: card.fsrs, version: card.version }, hidden: null });
    });
    await tx.done;
  }

  // One action of the learner: the card's new state, the day's counts and
  // the answer to send (none for an action the online page sent itself),
  // all or nothing.
  async function record(userId, card, day, entry) {
    const d = await db();
    const tx = d.transaction(["days", "cards", "outbox"], "readwrite");
    tx.objectStore("cards").put(card);
    tx.objectStore("days").put(day);
    if (entry) tx.objectStore("outbox").put({ ...entry, userId });
    await tx.done;
  }

  // Undo on the device: the latest waiting entry goes, the card and the
  // day's counts are put back. Returns the entry, or null.
  async function undoLatest(userId) {
    const d = await db();
    const tx = d.transaction(["days", "cards", "outbox"], "readwrite");
    const cursor = await tx.objectStore("outbox").index("user_seq").openCursor(userRange(userId), "prev");
    if (!cursor) {
      await tx.done;
      return null;
    }
    const entry = cursor.value;
    await cursor.delete();
    const cards = tx.objectStore("cards");
    const card = await cards.get([userId, entry.state_id]);
    if (card) {
      card.cur = entry.before.cur;
      card.hidden = entry.before.hidden;
      await cards.put(card);
    }
    const days = tx.objectStore("days");
    const day = await days.get(userId);
    if (day) {
      for (const key of Object.keys(entry.counts || {})) day[key] -= entry.counts[key];
      await days.put(day);
    }
    await tx.done;
    return entry;
  }

  async function drop(clientIds) {
    const d = await db();
    const tx = d.transaction("outbox", "readwrite");
    for (const id of clientIds) tx.store.delete(id);
    await tx.done;
  }

  async function getMeta(key) {
    return (await db()).get("meta", key);
  }

  async function setMeta(key, value) {
    return (await db()).put("meta", value, key);
  }

  // Read once: what a sync had to say is told once (by whichever page reads it).
  async function takeMeta(key) {
    const tx = (await db()).transaction("meta", "readwrite");
    const value = await tx.store.get(key);
    if (value !== undefined) await tx.store.delete(key);
    await tx.done;
    return value;
  }

  // Signed out: nobody's answers are sent in the background any more (they
  // wait on the device for their learner), and the learner's day goes.
  async function signOut() {
    const d = await db();
    const current = await d.get("meta", "current");
    await d.delete("meta", "current");
    if (!current) return;
    const tx = d.transaction(["days", "cards"], "readwrite");
    tx.objectStore("days").delete(current.userId);
    const cards = tx.objectStore("cards");
    for (const key of await cards.index("user").getAllKeys(current.userId)) cards.delete(key);
    await tx.done;
  }

  scope.studyStore = { db, load, replace, record, undoLatest, drop, waiting, waitingCount, getMeta, setMeta, takeMeta, signOut };
})(self);
