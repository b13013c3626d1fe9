// The note editor: line numbers beside the text, the parser's problems marked
// on their lines, a click on a problem goes to its line, Ctrl+S (Cmd+S) saves.
// The server does the checking and the preview (htmx, as the author types);
// this file only draws what it answered. No inline script or style: our CSP
// forbids them, so marks are placed through the CSSOM.
(() => {
  const source = () => document.getElementById("source");

  // Long lines wrap (soft wrap), so a line of the note may take several rows
  // on screen. Where each line starts and how tall it is is read from a
  // hidden copy of the text laid out like the textarea (#wrap-mirror), one
  // block per line: the gutter's numbers and the problem marks follow it.
  let lineBoxes = [];

  function mirror(textarea) {
    let copy = document.getElementById("wrap-mirror");
    if (!copy) {
      copy = document.createElement("div");
      copy.id = "wrap-mirror";
      copy.setAttribute("aria-hidden", "true");
      textarea.parentNode.appendChild(copy);
    }
    return copy;
  }

  function measureLines() {
    const textarea = source();
    if (!textarea) return;
    const copy = mirror(textarea);
    const style = getComputedStyle(textarea);
    copy.style.width = `${textarea.clientWidth}px`;
    copy.style.paddingLeft = style.paddingLeft;
    copy.style.paddingRight = style.paddingRight;
    copy.style.paddingTop = style.paddingTop;
    const lines = textarea.value.split("\n");
    while (copy.children.length > lines.length) copy.lastChild.remove();
    while (copy.children.length < lines.length) copy.appendChild(document.createElement("div"));
    lines.forEach((line, i) => {
      // An empty line still takes a row.
      const text = line || "\u200b";
      if (copy.children[i].textContent !== text) copy.children[i].textContent = text;
    });
    lineBoxes = [...copy.children].map((block) => ({ top: block.offsetTop, height: block.offsetHeight }));
  }

  function lineTop(textarea, line) {
    const box = lineBoxes[line - 1];
    return box ? box.top : paddingTop(textarea) + (line - 1) * lineHeight(textarea);
  }

  function lineHeight(textarea) {
    const value = parseFloat(getComputedStyle(textarea).lineHeight);
    return Number.isFinite(value) ? value : 20;
  }

  function paddingTop(textarea) {
    return parseFloat(getComputedStyle(textarea).paddingTop) || 0;
  }

  function problems() {
    // Errors win over warnings on the same line.
    const byLine = new Map();
    for (const item of document.querySelectorAll("#problems li[data-line]")) {
      const line = Number(item.dataset.line);
      if (!line) continue;
      const severity = item.dataset.severity === "error" ? "error" : "warning";
      if (byLine.get(line) !== "error") byLine.set(line, severity);
    }
    return byLine;
  }

  let shownLines = 0;

  function drawGutter() {
    const textarea = source();
    const gutter = document.getElementById("gutter");
    if (!textarea || !gutter) return;
    measureLines();
    const lines = textarea.value.split("\n").length;
    if (lines !== shownLines) {
      const fragment = document.createDocumentFragment();
      for (let i = 1; i <= lines; i++) {
        const span = document.createElement("span");
        span.textContent = String(i);
        span.dataset.line = String(i);
        fragment.appendChild(span);
      }
      gutter.replaceChildren(fragment);
      shownLines = lines;
    }
    gutter.querySelectorAll("span").forEach((span, i) => {
      const box = lineBoxes[i];
      if (box) span.style.height = `${box.height}px`;
    });
    drawMarks();
  }

  function drawMarks() {
    const textarea = source();
    const gutter = document.getElementById("gutter");
    const marks = document.getElementById("marks");
    if (!textarea || !gutter || !marks) return;
    const found = problems();
    for (const span of gutter.querySelectorAll("span.error, span.warning")) span.classList.remove("error", "warning");
    const fragment = document.createDocumentFragment();
    for (const [line, severity] of found) {
      const number = gutter.querySelector(`span[data-line="${line}"]`);
      if (number) {
        number.classList.add(severity);
        number.title = severity;
      }
      const mark = document.createElement("div");
      mark.className = `mark ${severity}`;
      mark.dataset.line = String(line);
      mark.style.top = `${lineTop(textarea, line)}px`;
      const box = lineBoxes[line - 1];
      if (box) mark.style.height = `${box.height}px`;
      fragment.appendChild(mark);
    }
    marks.replaceChildren(fragment);
    syncScroll();
  }

  function syncScroll() {
    const textarea = source();
    const gutter = document.getElementById("gutter");
    const marks = document.getElementById("marks");
    if (!textarea) return;
    if (gutter) gutter.scrollTop = textarea.scrollTop;
    if (marks) {
      for (const mark of marks.children) mark.style.transform = `translateY(${-textarea.scrollTop}px)`;
    }
  }

  function jumpTo(line) {
    const textarea = source();
    if (!textarea || !line) return;
    const lines = textarea.value.split("\n");
    const index = Math.max(1, Math.min(line, lines.length)) - 1;
    let start = 0;
    for (let i = 0; i < index; i++) start += lines[i].length + 1;
    textarea.focus({ preventScroll: true });
    textarea.setSelectionRange(start, start + lines[index].length);
    textarea.scrollTop = Math.max(0, lineTop(textarea, index + 1) - textarea.clientHeight / 3);
    syncScroll();
    textarea.closest(".code")?.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("click", (event) => {
    const jump = event.target.closest("button.jump[data-line]");
    if (jump) jumpTo(Number(jump.dataset.line));
  });

  document.addEventListener("input", (event) => {
    if (event.target.id === "source") drawGutter();
  });

  document.addEventListener(
    "scroll",
    (event) => {
      if (event.target.id === "source") syncScroll();
    },
    true,
  );

  // F8 / Shift+F8: the next / previous problem after the cursor, as in code
  // editors (the author repeats it while working through the list).
  function jumpToProblem(backwards) {
    const textarea = source();
    if (!textarea) return false;
    const lines = [...problems().keys()].sort((a, b) => a - b);
    if (!lines.length) return false;
    const current = textarea.value.slice(0, textarea.selectionStart).split("\n").length;
    const next = backwards
      ? [...lines].reverse().find((line) => line < current) ?? lines[lines.length - 1]
      : lines.find((line) => line > current) ?? lines[0];
    jumpTo(next);
    return true;
  }

  // Ctrl+S / Cmd+S saves (a draft when the note is published) without leaving the text.
  document.addEventListener("keydown", (event) => {
    if (event.key === "F8" && !event.ctrlKey && !event.metaKey && !event.altKey) {
      if (jumpToProblem(event.shiftKey)) event.preventDefault();
      return;
    }
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.key.toLowerCase() !== "s") return;
    const button = document.getElementById("save-button");
    if (!button) return;
    event.preventDefault();
    if (!event.repeat) button.click();
  });

  // A save the server refuses (400: the note does not import; 409: someone
  // saved meanwhile) still shows its answer in the status line.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    const target = event.detail.target;
    if ((status === 400 || status === 409) && target && target.id === "save-status") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    if (target && target.id === "preview") checkAnswered(event);
  });

  // The check as the author types has a budget (docs/authoring.md, "Limits").
  // A text over the note limit is refused (413) and one refused for the budget
  // (429) says when to come back (Retry-After): either way the refusal shows in
  // the preview. After a 429 no check is sent until then (doubled on each 429
  // in a row, up to a minute); then the text as it is by then is checked once.
  const MAX_PAUSE_S = 60;
  let pausedUntil = 0;
  let pauseS = 0;
  let resume = null;

  function checkAnswered(event) {
    const xhr = event.detail.xhr;
    if (xhr.status === 413 || xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    if (xhr.status !== 429) {
      pauseS = 0;
      return;
    }
    const asked = Number(xhr.getResponseHeader("Retry-After")) || 1;
    pauseS = Math.min(MAX_PAUSE_S, Math.max(asked, pauseS * 2));
    pausedUntil = Date.now() + pauseS * 1000;
    resumeLater();
  }

  function resumeLater() {
    if (resume !== null) return;
    resume = setTimeout(() => {
      resume = null;
      const textarea = source();
      // The textarea's own request (its form's fields, its target), even if
      // the text did not change since the refused one.
      if (textarea && window.htmx) {
        window.htmx.ajax("POST", textarea.getAttribute("hx-post"), {
          source: textarea,
          target: "#preview",
          swap: "outerHTML",
        });
      }
    }, Math.max(0, pausedUntil - Date.now()));
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (!elt || elt.id !== "source" || Date.now() >= pausedUntil) return;
    event.preventDefault();
    resumeLater();
  });

  // The check of what was typed arrived: mark its problems.
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target && event.detail.target.id === "preview") drawMarks();
  });

  document.addEventListener("DOMContentLoaded", () => {
    const textarea = source();
    if (!textarea) return;
    drawGutter();
    if (textarea.dataset.jump) jumpTo(Number(textarea.dataset.jump));
    // A wider or narrower editor wraps differently.
    new ResizeObserver(drawGutter).observe(textarea);
  });
})();
