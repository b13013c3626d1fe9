// Sending the answers recorded on the device (studyStore's outbox) to the
// server: by the study page (on load, on `online`) and by the service worker
// (Background Sync), with the same code. One sender at a time (a Web Lock
// shared by the page and the worker); the server is idempotent by client_id
// anyway, so a batch sent twice (its reply lost) is recorded once.
//
// Every status the server answers is final for its entry (docs/offline.md):
// the entry leaves the outbox whatever it is; "superseded" and the refusals
// are counted for the page to tell the learner. No answer (the network
// failed, a 5xx) keeps every entry for the next try; a lost session (a
// redirect to the login page, a 403) too, until the learner signs in again.
(function (scope) {
  const CHUNK = 500; // the server takes at most this many entries a request
  const LOCK = "studyapp-offline-sync";
  const SENT_FIELDS = [
    "client_id",
    "state_id",
    "card_version",
    "rating",
    "chosen",
    "answered_at",
    "duration_ms",
    "fetched_at",
    "kind",
  ];
  const REFUSED = new Set(["not_found", "unavailable", "over_limit", "invalid"]);

  function payload(entries) {
    return JSON.stringify({
      answers: entries.map((entry) => Object.fromEntries(SENT_FIELDS.map((field) => [field, entry[field]]))),
    });
  }

  async function sendChunk(url, csrf, entries) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body: payload(entries),
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        credentials: "same-origin",
        redirect: "manual",
      });
    } catch (_error) {
      return { outcome: "offline" };
    }
    if (response.type === "opaqueredirect" || response.status === 403 || response.status === 401) {
      return { outcome: "signed-out" };
    }
    if (response.status >= 500 || !(response.status === 200 || response.status === 207)) {
      return { outcome: "failed", status: response.status };
    }
    try {
      return { outcome: "done", reply: await response.json() };
    } catch (_error) {
      return { outcome: "failed", status: response.status };
    }
  }

  async function sendAll(userId, url, csrf) {
    const store = scope.studyStore;
    const summary = { sent: 0, superseded: 0, refused: 0, outcome: "done", notices: [] };
    for (;;) {
      const entries = (await store.waiting(userId)).slice(0, CHUNK);
      if (entries.length === 0) break;
      const result = await sendChunk(url, csrf, entries);
      if (result.outcome !== "done") {
        summary.outcome = result.outcome;
        break;
      }
      const settled = [];
      for (const item of result.reply.results || []) {
        settled.push(item.client_id);
        if (item.status === "superseded") summary.superseded += 1;
        if (REFUSED.has(item.status)) summary.refused += 1;
      }
      summary.notices.push(...(result.reply.notices || []));
      const known = new Set(entries.map((entry) => entry.client_id));
      const dropped = settled.filter((id) => known.has(id));
      if (dropped.length === 0) {
        summary.outcome = "failed";
        break;
      }
      await store.drop(dropped);
      summary.sent += dropped.length;
    }
    if (summary.sent > 0) {
      const key = `notices:${userId}`;
      const before = (await store.getMeta(key)) || { superseded: 0, refused: 0, notices: [] };
      await store.setMeta(key, {
        superseded: before.superseded + summary.superseded,
        refused: before.refused + summary.refused,
        notices: [...before.notices, ...summary.notices].slice(-10),
      });
    }
    return summary;
  }

  // Send the learner's waiting answers. Resolves to a summary:
  // {outcome: "done" | "offline" | "signed-out" | "failed", sent, superseded, refused}.
  function send(userId, url, csrf) {
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request(LOCK, () => sendAll(userId, url, csrf));
    }
    return sendAll(userId, url, csrf);
  }

  scope.studySync = { send };
})(self);
