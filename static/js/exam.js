// The mock exam page: one question at a time out of all of them (the page
// holds every question, so moving needs no server), every answer saved as it
// is given, the server's clock.
//
// Keys: 1-6 or A-E choose an option (choices.js: radio for one answer, at most
// N for "Choose N"), F flags (option F is 6), N next, P previous. None acts
// while the focus is on a link, a button or a form control (there Enter and
// Space are the control's own); Esc gives the keys back to the exam.
//
// Saving: each change queues a post (answer, flag, position), one at a time.
// A newer change to the same thing replaces one not yet sent. A post that gets
// no answer (network, 5xx) is sent again, later, until the server answers; the
// server keeps an answer as given, so a repeat is harmless. Unsent posts are
// also kept in localStorage: a reload or a closed tab sends them when the page
// opens again. The server refuses answers after the deadline (409): the page
// then goes to the report.
(() => {
  const RETRY_FIRST_MS = 300;
  const RETRY_MAX_MS = 5000;
  const WARN_MINUTES = [30, 10, 5];
  const LETTER_KEYS = "abcde";


  const exam = document.getElementById("exam");
  if (!exam) return;
  const count = Number(exam.dataset.count);
  const storeKey = `exam-outbox-${exam.dataset.attempt}`;

  let current = exam.dataset.position === "review" ? "review" : Number(exam.dataset.position);
  let shownAt = performance.now();
  const spent = {};
  for (const section of exam.querySelectorAll(".exam-question")) {
    spent[section.dataset.position] = Number(section.dataset.timeMs || "0");
  }

  // Posts not yet confirmed, by what they change ("answer:3", "flag:3", "move").
  const outbox = new Map();
  let sending = false;
  let retries = 0;
  let closed = false;

  // static/js/app.js: a key on a link, a button or a form field is that control's.
  const onControl = (target) => window.keyGuard.onControl(target);

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || "";
    } catch (_error) {
      return "";
    }
  }

  function section(position) {
    return document.getElementById(position === "review" ? "exam-review" : `q-${position}`);
  }

  function status(kind, text) {
    const line = document.getElementById("exam-save");
    if (!line) return;
    line.dataset.state = kind;
    line.textContent = text !== undefined ? text : line.dataset[kind] || "";
    exam.dataset.pending = String(outbox.size);
  }

  function timeOn(position) {
    const extra = position === current ? performance.now() - shownAt : 0;
    return Math.round((spent[position] || 0) + extra);
  }

  // -- saving ---------------------------------------------------------------------------

  // Whether what is unsent is also in localStorage (then leaving the page loses nothing).
  let kept = true;

  function persist() {
    try {
      const entries = [...outbox.entries()].map(([key, entry]) => [key, entry.url, [...entry.body.entries()]]);
      if (entries.length) localStorage.setItem(storeKey, JSON.stringify(entries));
      else localStorage.removeItem(storeKey);
      kept = true;
    } catch (_error) {
      // Private mode or a full storage: only the page holds them.
      kept = false;
    }
  }

  function queue(key, url, body) {
    if (closed) return;
    outbox.delete(key);
    outbox.set(key, { url, body });
    persist();
    status("saving");
    pump();
  }

  async function pump() {
    if (sending || closed) return;
    const next = outbox.entries().next();
    if (next.done) {
      status("saved");
      return;
    }
    const [key, entry] = next.value;
    sending = true;
    let response = null;
    try {
      response = await fetch(entry.url, {
        method: "POST",
        body: entry.body,
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
    } catch (_error) {
      response = null;
    }
    sending = false;
    if (response === null || response.status >= 500 || response.status === 429) {
      retries += 1;
      status("retrying");
      setTimeout(pump, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (retries - 1)));
      return;
    }
    retries = 0;
    if (response.redirected || response.status === 403) {
      // Logged out meanwhile: the login page says so; what is unsent is kept.
      window.location.reload();
      return;
    }
    if (response.status === 409 || response.status === 410) {
      const reply = await response.json().catch(() => ({}));
      finish(reply.error || "", reply.report || exam.dataset.reportUrl);
      return;
    }
    if (outbox.get(key) === entry) outbox.delete(key);
    persist();
    if (response.status === 400) {
      const reply = await response.json().catch(() => ({}));
      status("refused", reply.error || "");
      if (outbox.size) pump();
      return;
    }
    pump();
  }

  function drained() {
    return new Promise((resolve) => {
      const check = () => (outbox.size === 0 || closed ? resolve() : setTimeout(check, 100));
      check();
    });
  }

  function finish(message, reportUrl) {
    closed = true;
    outbox.clear();
    persist();
    for (const input of exam.querySelectorAll("input, button")) input.disabled = true;
    const warning = document.getElementById("exam-warning");
    if (warning && message) warning.textContent = message;
    status("closed", message || undefined);
    setTimeout(() => window.location.assign(reportUrl), 1500);
  }

  function answerBody(form) {
    const body = new URLSearchParams();
    const position = Number(form.querySelector("input[name='position']").value);
    body.set("position", String(position));
    for (const box of form.querySelectorAll("input[name='choice']:checked")) body.append("choice", box.value);
    body.set("time_ms", String(timeOn(position)));
    return { position, body };
  }

  // -- the navigator ----------------------------------------------------------------------

  function refreshNav(position) {
    const link = document.getElementById(`nav-${position}`);
    const form = section(position)?.querySelector("form.exam-answer");
    const flag = section(position)?.querySelector(".flag-button");
    if (!link || !form) return;
    const answered = Boolean(form.querySelector("input[name='choice']:checked"));
    const flagged = flag?.getAttribute("aria-pressed") === "true";
    link.classList.toggle("answered", answered);
    link.classList.toggle("flagged", flagged);
    const legend = document.getElementById("exam-legend").dataset;
    const parts = [link.dataset.label, answered ? legend.answered : legend.unanswered];
    if (flagged) parts.push(legend.flagged);
    link.setAttribute("aria-label", parts.join(", "));
  }

  function refreshReview() {
    const unanswered = [];
    const flagged = [];
    for (let position = 1; position <= count; position += 1) {
      const link = document.getElementById(`nav-${position}`);
      if (!link) continue;
      if (!link.classList.contains("answered")) unanswered.push(position);
      if (link.classList.contains("flagged")) flagged.push(position);
    }
    const fill = (id, positions) => {
      const list = document.getElementById(id);
      list.replaceChildren();
      if (!positions.length) list.textContent = list.dataset.none;
      for (const position of positions) {
        const link = document.createElement("a");
        link.href = `?q=${position}`;
        link.dataset.go = String(position);
        link.textContent = String(position);
        list.append(link, " ");
      }
    };
    fill("review-unanswered", unanswered);
    fill("review-flagged", flagged);
    const counts = document.getElementById("review-counts");
    counts.textContent = counts.dataset.template
      .replace("{answered}", String(count - unanswered.length))
      .replace("{count}", String(count))
      .replace("{flagged}", String(flagged.length));
  }

  function go(target) {
    if (target !== "review") {
      target = Number(target);
      if (!(target >= 1 && target <= count)) return;
    }
    if (target === current) return;
    if (current !== "review") spent[current] = timeOn(current);
    const from = section(current);
    const to = section(target);
    if (!to) return;
    if (from) from.hidden = true;
    to.hidden = false;
    for (const link of exam.querySelectorAll("#exam-navigator a[aria-current]")) link.removeAttribute("aria-current");
    document.getElementById(target === "review" ? "nav-review" : `nav-${target}`)?.setAttribute("aria-current", "step");
    current = target;
    shownAt = performance.now();
    exam.dataset.position = String(target);
    history.replaceState(null, "", target === "review" ? "?review=1" : `?q=${target}`);
    if (target === "review") refreshReview();
    else queue("move", exam.dataset.moveUrl, new URLSearchParams({ position: String(target) }));
    to.focus({ preventScroll: true });
    to.scrollIntoView({ block: "start" });
  }

  function flag(position) {
    const sec = section(position);
    const button = sec?.querySelector(".flag-button");
    if (!button || closed) return;
    const flagged = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(flagged));
    sec.querySelector(".exam-flag input[name='flagged']").value = flagged ? "0" : "1";
    refreshNav(position);
    queue(
      `flag:${position}`,
      exam.dataset.flagUrl,
      new URLSearchParams({ position: String(position), flagged: flagged ? "1" : "0" }),
    );
  }

  // -- events -----------------------------------------------------------------------------

  exam.addEventListener("change", (event) => {
    const form = event.target.closest && event.target.closest("form.exam-answer");
    if (!form || closed) return;
    const { position, body } = answerBody(form);
    refreshNav(position);
    queue(`answer:${position}`, exam.dataset.answerUrl, body);
  });

  exam.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.classList.contains("exam-flag")) {
      event.preventDefault();
      flag(Number(form.querySelector("input[name='position']").value));
    } else if (form.classList.contains("exam-answer")) {
      event.preventDefault();
    } else if (form.id === "exam-submit-form" && outbox.size) {
      // Every answer reaches the server before the exam is submitted.
      event.preventDefault();
      status("saving");
      drained().then(() => !closed && form.submit());
    }
  });

  exam.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("[data-go]") : null;
    if (!link) return;
    event.preventDefault();
    go(link.dataset.go);
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || event.defaultPrevented) return;
    const target = event.target;
    if (onControl(target)) {
      if (event.key === "Escape" && !target.matches("select")) {
        if (typeof target.blur === "function") target.blur();
        section(current)?.focus({ preventScroll: true });
      }
      return;
    }
    if (closed) return;
    const key = event.key.toLowerCase();
    let handled = true;
    const onQuestion = current !== "review";
    if (onQuestion && /^[1-6]$/.test(key)) window.choices.pick(section(current), key);
    else if (onQuestion && LETTER_KEYS.includes(key) && key.length === 1)
      window.choices.pick(section(current), String(LETTER_KEYS.indexOf(key) + 1));
    else if (onQuestion && key === "f") flag(current);
    else if (key === "n" && onQuestion) go(current < count ? current + 1 : "review");
    else if (key === "p") go(current === "review" ? count : Math.max(1, current - 1));
    else handled = false;
    if (handled) event.preventDefault();
  });

  // Leaving with answers unsent that only the page holds: the browser asks first.
  window.addEventListener("beforeunload", (event) => {
    if (outbox.size > 0 && !closed && !kept) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // -- the clock (the server's: seconds left when the page was made) ------------------------

  function clock() {
    const left = exam.dataset.secondsLeft;
    if (left === undefined) return;
    const shown = document.getElementById("exam-time-left");
    const endsAt = performance.now() + Number(left) * 1000;
    const warned = new Set(WARN_MINUTES.filter((minutes) => Number(left) <= minutes * 60));
    const tick = () => {
      const ms = Math.max(0, endsAt - performance.now());
      const total = Math.ceil(ms / 1000);
      const h = Math.floor(total / 3600);
      const m = Math.floor((total % 3600) / 60);
      const s = total % 60;
      shown.textContent = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
      for (const minutes of WARN_MINUTES) {
        if (!warned.has(minutes) && ms <= minutes * 60000) {
          warned.add(minutes);
          const warning = document.getElementById("exam-warning");
          warning.textContent = warning.dataset[`warn-${minutes}`] || "";
        }
      }
      if (ms <= 0) {
        timeUp();
        return;
      }
      setTimeout(tick, 1000 - (ms % 1000 || 1000) + 20);
    };
    tick();
  }

  async function timeUp() {
    if (closed) return;
    // The server submits at the deadline with what it has; the report follows.
    const form = document.getElementById("exam-submit-form");
    let report = exam.dataset.reportUrl;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      const reply = await response.json();
      report = reply.report || report;
    } catch (_error) {
      // The report page submits it too, when it is next opened.
    }
    finish(document.getElementById("exam-save").dataset.closed, report);
  }

  // -- start ------------------------------------------------------------------------------

  function resumeUnsent() {
    let stored = [];
    try {
      stored = JSON.parse(localStorage.getItem(storeKey) || "[]");
    } catch (_error) {
      stored = [];
    }
    for (const [key, url, pairs] of stored) {
      // Where the learner was is the URL's now, not the unsent move's.
      if (key === "move") continue;
      const body = new URLSearchParams(pairs);
      const position = body.get("position");
      if (key.startsWith("answer:")) {
        const chosen = new Set(body.getAll("choice"));
        for (const box of section(position)?.querySelectorAll("input[name='choice']") || []) {
          box.checked = chosen.has(box.value);
        }
      } else if (key.startsWith("flag:")) {
        section(position)?.querySelector(".flag-button")?.setAttribute("aria-pressed", String(body.get("flagged") === "1"));
      }
      if (position) refreshNav(position);
      outbox.set(key, { url, body });
    }
    if (outbox.size) {
      status("saving");
      pump();
    }
  }

  clock();
  resumeUnsent();
  section(current)?.focus({ preventScroll: true });
})();
