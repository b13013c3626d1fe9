// The study page's screens, drawn from a card kept on the device: the
// skeletons are the page's own (<template id="offline-screens">, rendered by
// the server in the page's language, with the online page's classes, ids
// and keys), so study.js's keys, reveal and focus work on them unchanged.
// The cards' HTML is the server's stored, sanitized HTML (the same the
// online page shows); nothing typed by a learner is ever put in as HTML.
(function (scope) {
  const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  function texts() {
    if (!scope.__offlineTexts) {
      const node = document.getElementById("offline-screens");
      scope.__offlineTexts = node ? JSON.parse(node.dataset.texts) : {};
    }
    return scope.__offlineTexts;
  }

  function counted(forms, n) {
    return (n === 1 ? forms.one : forms.other).replace("%(n)s", String(n));
  }

  function skeleton(name) {
    const template = document.getElementById("offline-screens");
    const node = template.content.querySelector(`[data-screen="${name}"]`);
    const copy = node.cloneNode(true);
    copy.removeAttribute("data-screen");
    return copy;
  }

  function slot(root, name) {
    return root.querySelector(`[data-slot="${name}"]`);
  }

  function fillMeta(section, card) {
    const t = texts();
    const note = slot(section, "note");
    if (note) {
      note.textContent = card.note_id;
      note.href = t.note_url.replace("{id}", encodeURIComponent(card.note_id));
    }
    const kind = slot(section, "kind");
    if (kind) kind.textContent = t.kinds[card.kind] || card.kind;
    const badge = slot(section, "new");
    if (badge) badge.hidden = card.cur.fsrs.state !== 0;
  }

  // Anki's short interval (studyapp.study.intervals.humanize, in the page's words).
  function humanize(ms) {
    const u = texts().units;
    const seconds = ms / 1000;
    const whole = (format, n) => format.replace("%(n)d", String(Math.round(n)));
    const tenth = (format, n) => format.replace("%(n).1f", n.toFixed(1));
    if (seconds < 60) return u.lt1m;
    const minutes = seconds / 60;
    if (minutes < 60) return whole(u.m, minutes);
    const hours = minutes / 60;
    if (hours < 24) return whole(u.h, hours);
    const days = hours / 24;
    if (days < 30) return whole(u.d, days);
    if (days < 365) return days < 60 ? tenth(u.mo_fraction, days / 30) : whole(u.mo, days / 30);
    return tenth(u.y, days / 365);
  }

  function tools() {
    return skeleton("tools");
  }

  function reasoningList(question) {
    const list = document.createElement("ul");
    list.className = "reasoning";
    for (const option of question.options) {
      const item = document.createElement("li");
      item.className = option.correct ? "right" : "plain";
      const head = document.createElement("strong");
      head.textContent = option.label ? `${option.letter} (${option.label})` : option.letter;
      item.append(head, ` ${option.correct ? `✓ ${texts().correct}` : "✗"}: `);
      const why = document.createElement("span");
      why.innerHTML = option.reasoning_html;
      item.append(why);
      list.append(item);
    }
    return list;
  }

  // A flashcard, or a scenario question without option texts (recall).
  // `intervals` is {1: ms, 2: ms, 3: ms, 4: ms}.
  function flashCard(card, intervals) {
    const section = skeleton("flash-card");
    fillMeta(section, card);
    const front = slot(section, "front");
    const back = slot(section, "back");
    if (card.question) {
      front.innerHTML = card.question.stem_html;
      const choose = document.createElement("p");
      choose.className = "choose";
      const strong = document.createElement("strong");
      strong.textContent = texts().recall[String(card.question.choose)] || "";
      choose.append(strong);
      front.append(choose);
      back.append(reasoningList(card.question));
    } else {
      front.innerHTML = card.front_html;
      back.innerHTML = card.back_html;
    }
    for (const rating of [1, 2, 3, 4]) slot(section, `i${rating}`).textContent = humanize(intervals[rating]);
    section.append(tools());
    return section;
  }

  // A scenario question with option texts, its options in `order` (indexes
  // into the question's options, a new order at each showing).
  function question(card, order) {
    const section = skeleton("question");
    fillMeta(section, card);
    slot(section, "stem").innerHTML = card.question.stem_html;
    slot(section, "choose").textContent = texts().choose[String(card.question.choose)] || "";
    const needed = Number(card.question.choose) || 1;
    slot(section, "choices").dataset.choices = String(needed);
    const list = slot(section, "options");
    order.forEach((index, position) => {
      const option = card.question.options[index];
      const item = skeleton("option");
      const box = item.querySelector("input");
      box.type = needed > 1 ? "checkbox" : "radio";
      box.value = option.letter;
      box.dataset.index = String(position + 1);
      slot(item, "number").textContent = String(position + 1);
      slot(item, "display").textContent = `${LETTERS[position]}.`;
      slot(item, "text").innerHTML = option.text_html;
      list.append(item);
    });
    section.append(tools());
    return section;
  }

  function result(card, order, chosen, score) {
    const t = texts();
    const section = skeleton("result");
    fillMeta(section, card);
    const heading = section.querySelector("#result-heading");
    heading.classList.add(score >= 1 ? "score-full" : score > 0 ? "score-part" : "score-none");
    slot(section, "score").textContent = t.score.replace("{percent}", String(Math.round(score * 100)));
    const picked = new Set(chosen);
    const correct = [];
    const list = slot(section, "options");
    order.forEach((index, position) => {
      const option = card.question.options[index];
      const display = LETTERS[position];
      if (option.correct) correct.push(display);
      const verdict = picked.has(option.letter)
        ? option.correct
          ? "right"
          : "wrong"
        : option.correct
          ? "missed"
          : "plain";
      const item = skeleton("verdict");
      item.classList.add(verdict);
      slot(item, "verdict").textContent = t.verdicts[verdict];
      slot(item, "display").textContent = `${display}.`;
      slot(item, "text").innerHTML = option.text_html;
      const why = slot(item, "why");
      if (option.label) {
        const label = document.createElement("strong");
        label.textContent = option.label;
        why.append(label, ": ");
      }
      const reasoning = document.createElement("span");
      reasoning.innerHTML = option.reasoning_html;
      why.append(reasoning);
      list.append(item);
    });
    slot(section, "correct").textContent = correct.join(" ");
    slot(section, "stem").innerHTML = card.question.stem_html;
    return section;
  }

  function done(message) {
    const section = skeleton("done");
    if (message) slot(section, "text").textContent = message;
    return section;
  }

  // The notice at the top of the card (the online page's #study-flash);
  // with `undo`, its Undo button.
  function flash(message, { warn = false, undo = false } = {}) {
    const node = skeleton("flash");
    if (warn) node.classList.add("warn");
    slot(node, "text").textContent = message;
    node.querySelector("[data-offline-undo]").hidden = !undo;
    return node;
  }

  function progress(done, left) {
    const bar = document.getElementById("study-progress");
    if (!bar) return;
    bar.dataset.left = String(left);
    const meter = bar.querySelector("progress");
    if (meter) {
      meter.value = done;
      meter.max = done + left;
    }
    const words = bar.querySelector("span");
    if (words) words.textContent = texts().progress.replace("{done}", String(done)).replace("{left}", String(left));
  }

  scope.studyScreens = { texts, counted, humanize, flashCard, question, result, done, flash, progress };
})(self);
