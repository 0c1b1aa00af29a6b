// Text correction beside the scan (templates/correct.html), keyboard first:
//   Alt+Down / Alt+Up   next / previous low-confidence line
//   Enter               accept this line (as typed) and go to the next line; Shift+Enter: previous line
//   Escape              restore the line to its saved text
//   Ctrl+Enter          save all corrections
// Boxes of the lines are laid over the page image here (no inline styles: the CSP forbids them), and after
// a save the page asks the server until the re-run of fields and routing is done, then shows what changed.
(function () {
  'use strict';
  const inputs = Array.from(document.querySelectorAll('#correct-form input[name^="line-"]'));
  const form = document.getElementById('correct-form');

  function row(input) { return input.closest('tr'); }

  function focusLine(input) {
    if (!input) return;
    inputs.forEach(i => row(i).classList.remove('current'));
    row(input).classList.add('current');
    input.focus();
    input.select();
    row(input).scrollIntoView({ block: 'center' });
    document.querySelectorAll('.box.current').forEach(b => b.classList.remove('current'));
    const box = document.querySelector('.box[data-target="' + input.id + '"]');
    if (box) box.classList.add('current');
  }

  function step(from, direction, lowOnly) {
    const start = inputs.indexOf(from);
    for (let k = 1; k <= inputs.length; k++) {
      const i = inputs[(start + direction * k + inputs.length * k) % inputs.length];
      if (!lowOnly || i.dataset.low === 'true') return i;
    }
    return null;
  }

  function markEdited(input) {
    row(input).classList.toggle('edited', input.value !== input.dataset.saved);
  }

  inputs.forEach(input => {
    input.addEventListener('input', () => markEdited(input));
    input.addEventListener('focus', () => {
      inputs.forEach(i => row(i).classList.remove('current'));
      row(input).classList.add('current');
    });
    input.addEventListener('keydown', event => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      } else if (event.key === 'Enter') {
        event.preventDefault();
        if (!event.shiftKey) row(input).classList.add('accepted');
        const next = inputs[inputs.indexOf(input) + (event.shiftKey ? -1 : 1)];
        if (next) focusLine(next);
      } else if (event.altKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
        event.preventDefault();
        focusLine(step(input, event.key === 'ArrowDown' ? 1 : -1, true));
      } else if (event.key === 'Escape') {
        event.preventDefault();
        input.value = input.dataset.saved;
        markEdited(input);
      }
    });
  });

  // Boxes over the page image, positioned in percent of the page the engine read.
  document.querySelectorAll('.overlay').forEach(overlay => {
    const width = Number(overlay.dataset.width), height = Number(overlay.dataset.height);
    overlay.querySelectorAll('.box').forEach(box => {
      const [l, t, r, b] = box.dataset.box.split(',').map(Number);
      box.style.left = (100 * l / width) + '%';
      box.style.top = (100 * t / height) + '%';
      box.style.width = (100 * (r - l) / width) + '%';
      box.style.height = (100 * (b - t) / height) + '%';
      box.addEventListener('click', () => focusLine(document.getElementById(box.dataset.target)));
    });
  });

  const first = inputs.find(i => i.dataset.low === 'true') || inputs[0];
  if (first) focusLine(first);

  // After a save: wait for the re-run job, then show what changed in the suggestions.
  const rerun = document.getElementById('rerun');
  function text(tag, content, id) {
    const el = document.createElement(tag);
    el.textContent = content;
    if (id) el.id = id;
    return el;
  }
  function show(state) {
    const body = document.getElementById('rerun-body');
    body.replaceChildren();
    const changes = state.changes || {};
    if (changes.suggestion && changes.suggestion.length) {
      const list = document.createElement('ul');
      list.id = 'rerun-changes';
      changes.suggestion.forEach(c => {
        const li = document.createElement('li');
        li.dataset.head = c.head;
        li.append(c.label + '：', text('s', c.before || '—'), ' → ', text('b', c.after || '—'));
        list.append(li);
      });
      body.append(list);
    } else {
      body.append(text('p', '分流建议没有变化。', 'rerun-same'));
    }
    if (changes.fields && changes.fields.length) body.append(text('p', '要素有变化：' + changes.fields.join('、'), 'rerun-fields'));
    if (changes.repeat) body.append(text('p', '重复件比对结果有变化。', 'rerun-repeat'));
  }
  function poll(tries) {
    fetch(rerun.dataset.status, { headers: { Accept: 'application/json' } })
      .then(r => r.ok ? r.json() : Promise.reject(new Error(String(r.status))))
      .then(state => {
        if (state.pending) {
          if (tries > 0) setTimeout(() => poll(tries - 1), 1000);
        } else {
          show(state);
        }
      })
      .catch(() => { if (tries > 0) setTimeout(() => poll(tries - 1), 2000); });
  }
  if (rerun && rerun.dataset.pending === 'true') poll(300);
})();
