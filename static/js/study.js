// The study page: Anki's keys, and the next card on screen at once.
//
// Keys: Space/Enter reveal (and then grade Good), 1-4 grade, U undo, B bury,
// S suspend. On a scenario question, 1-9 pick the options (choices.js) and Enter checks
// the answer. The keys never act while the focus is on a link, a button, a
// summary or a form control: there Enter and Space are the control's own
// (follow the link, press the button, open the details, tick the box). Esc
// hands the keys back.
//
// The next card at once: every reply of the server carries, besides the card
// to show, the card to hold ready for after it (<template id="study-next">).
// A grade, a bury or a suspend shows that card at once and sends the action
// in the background, naming the card shown ("expect"). The server either
// confirms it (the reply then only brings the card to hold after it, and any
// notice) or sends the card that really comes next (a learning card came
// due meanwhile, a limit was reached, the card was withdrawn), which then
// replaces the one shown: a correction, as soon as the reply is here.
//
// Nothing is lost or counted twice: actions leave one at a time, in the order
// given (an undo never overtakes the answer it undoes); one that gets no
// answer (the network failed, the server answered 5xx) is sent again, the
// same request with the same card version, until the server answers, and the
// server records an answer to a version once (docs/study.md, "Idempotent").
// Undo, a question's answer and "Next" wait for the server, as they change
// what is on screen in ways the page cannot know.
(() => {
  const RETRY_FIRST_MS = 300;
  const RETRY_MAX_MS = 5000;

  const card = () => document.getElementById("study-card");
  const page = () => document.getElementById("study");

  let shownAt = performance.now();
  // The card ready for after the one on screen: {key, node}.
  let held = null;
  // Actions not yet answered by the server, oldest first:
  // {url, method, body, expect, speculative, shownKey, retries}.
  const outbox = [];
  let sending = false;

  // static/js/app.js: a key on a link, a button or a form field is that control's.
  const onControl = (target) => window.keyGuard.onControl(target);

  function takeHeld(root) {
    const template = root.querySelector("template#study-next");
    if (!template) return null;
    template.remove();
    const section = template.content.querySelector("#study-card");
    return section ? { key: section.dataset.key, node: section } : null;
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || "";
    } catch (_error) {
      return "";
    }
  }

  function setPending() {
    // For whoever watches the page (tests, a curious learner's devtools):
    // how many actions wait for the server, and which card is held ready.
    const root = page();
    if (!root) return;
    root.dataset.pending = String(outbox.length);
    root.dataset.held = held ? held.key : "";
  }

  function status(kind) {
    const line = document.getElementById("study-status");
    if (!line) return;
    line.hidden = !kind;
    if (kind) line.textContent = line.dataset[kind] || "";
  }

  // -- what is on screen -------------------------------------------------------

  function show(section) {
    const current = card();
    if (!current) return;
    current.replaceWith(section);
    shownAt = performance.now();
    // The new card takes the focus (the button pressed is gone): the keys act
    // again, and Tab goes on from the card.
    section.focus({ preventScroll: true });
    if (section.dataset.mode === "result") {
      // A scenario's result is long: on a phone the learner was at the bottom
      // of the question. Show the result from its top, the score first.
      section.scrollIntoView({ block: "start" });
      const heading = document.getElementById("result-heading");
      if (heading) heading.focus({ preventScroll: true });
    } else if (section.getBoundingClientRect().top < 0) {
      section.scrollIntoView({ block: "start" });
    }
  }

  function wait(current) {
    // Graded, and nothing is ready to follow: the keys rest until the reply.
    current.dataset.mode = "waiting";
    current.setAttribute("aria-busy", "true");
  }

  function addNotice(flash) {
    const current = card();
    if (!current || !flash) return;
    const old = current.querySelector("#study-flash");
    if (old) old.replaceWith(flash);
    else current.prepend(flash);
  }

  function reveal() {
    const c = card();
    if (!c || c.dataset.mode !== "front") return;
    const back = document.getElementById("card-back");
    const grades = document.getElementById("grades");
    if (back) back.hidden = false;
    if (grades) grades.hidden = false;
    const button = document.getElementById("reveal-button");
    if (button) button.hidden = true;
    c.dataset.mode = "back";
    // Focus the grades' form itself (not a button, where keys are the
    // button's): the digits keep working and Tab goes on to Again, Hard...
    if (grades) grades.focus({ preventScroll: true });
  }

  // -- actions -------------------------------------------------------------------

  function act(url, fields, { speculative = false, method = "POST" } = {}) {
    const current = card();
    const entry = {
      url,
      method,
      body: new URLSearchParams(fields),
      expect: "",
      speculative,
      shownKey: current ? current.dataset.key : "",
      retries: 0,
    };
    if (method === "POST") entry.body.set("duration_ms", String(Math.round(performance.now() - shownAt)));
    if (speculative && held && outbox.length === 0) {
      entry.expect = held.key;
      const next = held.node;
      held = null;
      show(next);
    } else if (speculative && current) {
      wait(current);
    }
    outbox.push(entry);
    setPending();
    pump();
  }

  function formFields(form, submitter) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    return data;
  }

  async function pump() {
    if (sending || outbox.length === 0) return;
    sending = true;
    const entry = outbox[0];
    if (entry.retries === 0 && entry.method === "POST") {
      // What is left today, as the last reply said: the server counts on from it.
      const progress = document.getElementById("study-progress");
      if (progress && progress.dataset.left !== undefined) entry.body.set("left", progress.dataset.left);
      if (entry.expect) entry.body.set("expect", entry.expect);
    }
    let text = null;
    let response = null;
    try {
      response = await fetch(entry.url, {
        method: entry.method,
        body: entry.method === "POST" ? entry.body : undefined,
        headers: { "HX-Request": "true", "HX-Target": "study-card", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      if (response.status < 500) text = await response.text();
    } catch (_error) {
      text = null;
    }
    if (text === null) {
      // No answer (or a 5xx): the same request again, later. The version in
      // it makes a repeat harmless if the first did reach the server.
      entry.retries += 1;
      status("retrying");
      sending = false;
      setTimeout(pump, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (entry.retries - 1)));
      return;
    }
    status("");
    outbox.shift();
    sending = false;
    if (response.redirected || response.status === 403) {
      // Logged out meanwhile (or the page is too old to post): the login page says so.
      outbox.length = 0;
      window.location.reload();
      return;
    }
    if (!response.ok) {
      // Refused for good (a card that is not found): the others go on, and
      // then the page asks the server what to show.
      if (outbox.length === 0) act(page().dataset.cardUrl, {}, { method: "GET" });
    } else {
      apply(text);
    }
    setPending();
    pump();
  }

  function apply(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const reply = template.content;
    const progress = reply.querySelector("#study-progress");
    const current = document.getElementById("study-progress");
    if (progress && current) {
      progress.removeAttribute("hx-swap-oob");
      current.replaceWith(progress);
    }
    const next = takeHeld(reply);
    const confirmed = reply.querySelector("#study-confirm");
    const section = reply.querySelector("#study-card");
    const serverKey = confirmed ? confirmed.dataset.key : section ? section.dataset.key : null;
    if (serverKey === null) {
      window.location.reload();
      return;
    }
    const following = outbox[0];
    if (following && following.speculative && following.shownKey === serverKey && following.expect === "") {
      // The learner already graded the card this reply names: show the one
      // held after it now, and tell the server that is what is on screen.
      if (next && card() && card().dataset.mode === "waiting") {
        following.expect = next.key;
        show(next.node);
      }
      held = null;
      return;
    }
    if (following) {
      // More actions wait; the screen is settled by the last reply.
      held = null;
      return;
    }
    if (confirmed) {
      addNotice(confirmed.querySelector("#study-flash"));
    } else {
      const shown = card();
      const same = shown && shown.dataset.key === serverKey && serverKey !== "" && shown.dataset.mode !== "waiting";
      // The card on screen stays when it is the server's (its reveal too);
      // anything else is corrected now.
      if (!same || section.querySelector("#study-flash")) show(section);
    }
    held = next;
  }

  // -- the page's controls -----------------------------------------------------------

  // The forms of the study loop say how they go: data-study="at-once" (the
  // card leaves: grade, bury, suspend; the card held ready shows at once) or
  // data-study="wait" (undo, a question's answer). Any other form on the page
  // (the scope picker, a control added to the card) is left to itself.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const how = form.dataset ? form.dataset.study : undefined;
    if (how !== "at-once" && how !== "wait") return;
    event.preventDefault();
    // A graded card waiting for what follows takes no second answer (a click
    // on its buttons); Undo still queues.
    if (form.closest("#study-card[data-mode='waiting']")) return;
    act(form.action, formFields(form, event.submitter), { speculative: how === "at-once" });
  });

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("#reveal-button")) reveal();
    const post = target.closest("#study [data-post]");
    if (post) act(post.dataset.post, {});
    const get = target.closest("#study [data-get]");
    if (get) act(get.dataset.get, {}, { method: "GET" });
  });

  function submit(selector, button) {
    const form = document.querySelector(selector);
    if (!form) return false;
    form.requestSubmit(button || undefined);
    return true;
  }

  function press(selector) {
    const el = document.querySelector(selector);
    if (el && !el.disabled) el.click();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || event.defaultPrevented) return;
    const c = card();
    if (!c) return;
    const target = event.target;
    if (onControl(target)) {
      // Esc leaves a control of the study page and gives the keys back, text
      // boxes included (the report box): what was typed stays in the box. A
      // select keeps Esc, which closes its list.
      if (event.key === "Escape" && !target.matches("select")) {
        if (target !== c && typeof target.blur === "function") target.blur();
        c.focus({ preventScroll: true });
      }
      return;
    }
    const mode = c.dataset.mode;
    const key = event.key.toLowerCase();
    // While an undo, a question's answer or "Next" is on its way, or a graded
    // card waits for what follows, only U acts (it queues behind).
    const busy = mode === "waiting" || outbox.some((entry) => !entry.speculative);
    if (busy && key !== "u") {
      if (key === " " || key === "enter" || /^[1-9bs]$/.test(key)) event.preventDefault();
      return;
    }
    let handled = true;
    if (key === " " || key === "enter") {
      if (mode === "front") reveal();
      else if (mode === "back") submit("#study-card form.grades", c.querySelector(".grade.good"));
      else if (mode === "question") submit("#study-card form.question");
      else if (mode === "result") press("#next-button");
      else handled = false;
    } else if (/^[1-9]$/.test(key)) {
      if (mode === "back" && key <= "4") submit("#study-card form.grades", c.querySelector(`.grade[value="${key}"]`));
      else if (mode === "question") {
        // Radio buttons for one answer, at most N ticks for "Choose N" (choices.js).
        window.choices.pick(c, key);
      } else handled = false;
    } else if (key === "u") submit(".undo-form");
    else if (key === "b" && (mode === "front" || mode === "back" || mode === "question")) press("#bury-button");
    else if (key === "s" && (mode === "front" || mode === "back" || mode === "question")) press("#suspend-button");
    else handled = false;
    if (handled) event.preventDefault();
  });

  // Leaving with answers not yet saved: the browser asks first.
  window.addEventListener("beforeunload", (event) => {
    if (outbox.length > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Scope picker: only the values of the chosen kind are offered.
  function filterScopeValues() {
    const kind = document.getElementById("scope-kind");
    const value = document.getElementById("scope-value");
    if (!kind || !value) return;
    value.disabled = kind.value === "all";
    for (const group of value.querySelectorAll("optgroup")) {
      group.hidden = group.dataset.kind !== kind.value;
    }
    const selected = value.selectedOptions[0];
    if (selected && selected.dataset.kind && selected.dataset.kind !== kind.value) value.value = "";
  }
  document.addEventListener("change", (event) => {
    if (event.target.id === "scope-kind") filterScopeValues();
  });
  document.addEventListener("DOMContentLoaded", () => {
    filterScopeValues();
    held = takeHeld(document);
    setPending();
  });
})();
