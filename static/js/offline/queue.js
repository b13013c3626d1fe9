// The day on the device: which card comes next, by the server's rules
// (studyapp/study/queue.py: cards due now, new cards within the day's
// limit, learning cards shown ahead), and what each grade does to a card,
// timed by FSRS (ts-fsrs, with the server's parameters, desired retention
// and learning steps, fuzz off) so that Again and the learning steps come
// back. A forecast: the server's replay of the answers is authoritative.
(function (scope) {
  const LEARN_AHEAD_MS = 20 * 60 * 1000;
  const NEW = 0;
  const REVIEW = 2;

  function makeScheduler(config) {
    const F = self.FSRS;
    const steps = (seconds) => seconds.map((s) => `${s / 60}m`);
    return F.fsrs(
      F.generatorParameters({
        w: config.parameters,
        request_retention: config.desired_retention,
        maximum_interval: config.maximum_interval,
        enable_fuzz: false,
        enable_short_term: true,
        learning_steps: steps(config.learning_steps_s),
        relearning_steps: steps(config.relearning_steps_s),
      }),
    );
  }

  function toFsrs(f, now) {
    if (f.state === NEW) return self.FSRS.createEmptyCard(new Date(now));
    return {
      due: new Date(f.due ? Date.parse(f.due) : now),
      stability: f.stability,
      difficulty: f.difficulty,
      elapsed_days: 0,
      scheduled_days: 0,
      learning_steps: f.step || 0,
      reps: 1,
      lapses: 0,
      state: f.state,
      last_review: f.last_review ? new Date(f.last_review) : undefined,
    };
  }

  function fromFsrs(card) {
    return {
      state: card.state,
      step: card.learning_steps,
      stability: card.stability,
      difficulty: card.difficulty,
      due: card.due.toISOString(),
      last_review: card.last_review ? card.last_review.toISOString() : null,
    };
  }

  // What each rating would do: {rating: {fsrs, ms until due}}. Without a
  // usable scheduler (never expected), Again comes back in a minute and the
  // other grades leave today's session: the server's replay decides anyway.
  function outcomes(scheduler, f, now, dayEnd) {
    const out = {};
    try {
      const preview = scheduler.repeat(toFsrs(f, now), new Date(now));
      for (const rating of [1, 2, 3, 4]) {
        const after = preview[rating].card;
        out[rating] = { fsrs: fromFsrs(after), ms: after.due.getTime() - now };
      }
    } catch (_error) {
      const end = Date.parse(dayEnd);
      for (const rating of [1, 2, 3, 4]) {
        const due = rating === 1 ? now + 60_000 : end;
        out[rating] = { fsrs: { ...f, state: rating === 1 ? 1 : REVIEW, due: new Date(due).toISOString() }, ms: due - now };
      }
    }
    return out;
  }

  // -- the queue, by the server's rules (studyapp/study/queue.py) -----------------------

  const stateOf = (card) => card.cur.fsrs.state;
  const dueOf = (card) => (card.cur.fsrs.due ? Date.parse(card.cur.fsrs.due) : 0);
  const learning = (card) => stateOf(card) === 1 || stateOf(card) === 3;
  const byDue = (a, b) => dueOf(a) - dueOf(b) || a.order - b.order;

  // The card to show now and what is left today, for the day's record
  // (limits, what was done) and its cards.
  function next(day, all, now) {
    const dayEnd = Date.parse(day.day_end);
    const reviewsLeft = day.reviews_left - day.reviews_done;
    const newLeft = day.new_left - day.new_done;
    const open = [...all].filter((card) => !card.hidden);
    const reviews = open.filter((card) => stateOf(card) === REVIEW && dueOf(card) < dayEnd);
    const fresh = open.filter((card) => stateOf(card) === NEW).sort((a, b) => a.order - b.order);
    const dueNow = open
      .filter((card) => learning(card) && dueOf(card) <= now)
      .concat(reviewsLeft > 0 ? reviews : [])
      .sort(byDue);
    const ahead = open.filter((card) => learning(card) && dueOf(card) <= now + LEARN_AHEAD_MS).sort(byDue);
    const first = dueNow[0] || (newLeft > 0 ? fresh[0] : null) || ahead[0] || null;
    const left =
      open.filter((card) => learning(card) && dueOf(card) < dayEnd).length +
      Math.min(Math.max(reviewsLeft, 0), reviews.length) +
      Math.min(Math.max(newLeft, 0), fresh.length);
    return { next: first, left };
  }

  function score(question, chosen) {
    const needed = question.options.filter((option) => option.correct).length || 1;
    const picked = new Set(chosen);
    let points = 0;
    for (const option of question.options) {
      if (picked.has(option.letter)) points += option.correct ? 1 : -1;
    }
    return Math.max(0, points / needed);
  }

  // The study page's rule: all right -> Good, at least half -> Hard, else Again.
  const ratingFor = (value) => (value >= 1 ? 3 : value >= 0.5 ? 2 : 1);

  scope.studyQueue = { NEW, REVIEW, makeScheduler, outcomes, next, stateOf, score, ratingFor };
})(self);
