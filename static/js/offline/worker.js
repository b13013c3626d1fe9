// The service worker's behaviour (/sw.js sets self.STUDYAPP_SHELL and loads
// this after Workbox, idb, studyStore and studySync; docs/offline.md).
//
// - The app shell is precached (Workbox precaching): the study page's static
//   files and the offline page, under the names and revisions /sw.js lists.
// - The study page: network first; the last copy that came from the network
//   is kept (cache "studyapp-pages-<version>") and served without the network.
// - Any other page: the network, or the offline page without it.
// - Signing out forgets the learner's day and the copy of their study page.
// - A new deploy changes /sw.js (its version): the new worker installs,
//   takes over at once (skipWaiting, clientsClaim) and drops the pages the
//   old one kept, which name the old deploy's files.
// - Background Sync ("studyapp-answers"): the signed-in learner's answers
//   waiting on the device are sent even if the page was closed.
/* global workbox */
(() => {
  const shell = self.STUDYAPP_SHELL;
  const PAGES = `studyapp-pages-${shell.version}`;
  const SYNC_TAG = "studyapp-answers";

  self.skipWaiting();
  workbox.core.clientsClaim();
  workbox.precaching.precacheAndRoute(shell.precache);
  workbox.precaching.cleanupOutdatedCaches();

  self.addEventListener("activate", (event) => {
    event.waitUntil(
      caches
        .keys()
        .then((names) =>
          Promise.all(
            names.filter((name) => name.startsWith("studyapp-pages-") && name !== PAGES).map((name) => caches.delete(name)),
          ),
        ),
    );
  });

  // Only a page the learner really got is kept: not a redirect to the login
  // page, not an error.
  const onlyPages = {
    cacheWillUpdate: async ({ response }) => (response && response.status === 200 && !response.redirected ? response : null),
  };
  const studyPage = new workbox.strategies.NetworkFirst({ cacheName: PAGES, plugins: [onlyPages] });
  workbox.routing.registerRoute(
    ({ request, url }) => request.mode === "navigate" && url.pathname === shell.study_url,
    studyPage,
  );
  workbox.routing.registerRoute(({ request }) => request.mode === "navigate", new workbox.strategies.NetworkOnly());
  // Signing out (from any page): the learner's day and cards and the copy of
  // their study page are forgotten; answers not yet sent stay on the device
  // for that learner (studyStore.signOut).
  workbox.routing.registerRoute(
    ({ url }) => url.pathname === shell.logout_url,
    async ({ request }) => {
      const response = await fetch(request);
      if (response.ok || response.type === "opaqueredirect" || response.redirected) {
        await Promise.all([caches.delete(PAGES), self.studyStore.signOut()]).catch(() => undefined);
      }
      return response;
    },
    "POST",
  );
  workbox.routing.setCatchHandler(async ({ request }) => {
    if (request.mode === "navigate") {
      const offline = await workbox.precaching.matchPrecache(shell.offline_url);
      if (offline) return offline;
    }
    return Response.error();
  });

  // The study page asks for itself to be kept after a new worker took over
  // (the copy the old worker kept went with its cache).
  self.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type !== "keep-study-page") return;
    const reply = event.ports[0];
    event.waitUntil(
      fetch(shell.study_url, { credentials: "same-origin" })
        .then(async (response) => {
          if (response.status !== 200 || response.redirected) return false;
          await (await caches.open(PAGES)).put(shell.study_url, response);
          return true;
        })
        .catch(() => false)
        .then((kept) => reply && reply.postMessage({ kept })),
    );
  });

  self.addEventListener("sync", (event) => {
    if (event.tag !== SYNC_TAG) return;
    event.waitUntil(
      self.studyStore.getMeta("current").then(async (current) => {
        if (!current) return;
        const summary = await self.studySync.send(current.userId, shell.sync_url, current.csrf);
        // Rejected: the browser tries the sync again later.
        if (summary.outcome === "offline" || summary.outcome === "failed") throw new Error(summary.outcome);
      }),
    );
  });
})();
