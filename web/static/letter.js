// The letter page: scan viewer (page, zoom, rotate), field-to-text links, and the reviewer's keys.
(() => {
  const form = document.getElementById('review-form');
  const pages = [...document.querySelectorAll('#pages figure')];
  let page = 0, zoom = 1, turn = 0;
  const apply = () => {
    for (const fig of pages) {
      const img = fig.querySelector('img');
      img.style.width = `${100 * zoom}%`;
      img.style.transform = turn ? `rotate(${turn}deg)` : '';
      img.classList.toggle('sideways', turn % 180 !== 0);
    }
    const label = document.getElementById('page-no');
    if (label) label.textContent = `${page + 1} / ${pages.length}`;
  };
  const goPage = n => {
    if (!pages.length) return;
    page = Math.max(0, Math.min(pages.length - 1, n));
    pages[page].scrollIntoView({block: 'start'});
    apply();
  };
  const act = {
    prev: () => goPage(page - 1), next: () => goPage(page + 1),
    in: () => { zoom = Math.min(zoom * 1.25, 4); apply(); }, out: () => { zoom = Math.max(zoom / 1.25, 0.5); apply(); },
    fit: () => { zoom = 1; apply(); }, rotate: () => { turn = (turn + 90) % 360; apply(); },
  };
  const tools = document.getElementById('scan-tools');
  if (tools) tools.addEventListener('click', ev => { const b = ev.target.closest('button'); if (b) act[b.dataset.act](); });

  // A field row shows where in the text it was read.
  const showField = key => {
    document.querySelectorAll('mark.field.on').forEach(m => m.classList.remove('on'));
    const mark = document.querySelector(`mark.field[data-field="${key}"]`);
    if (mark) { mark.classList.add('on'); mark.scrollIntoView({block: 'center'}); }
  };
  for (const row of document.querySelectorAll('#fields tr.linked')) {
    row.addEventListener('click', () => showField(row.dataset.field));
    row.addEventListener('keydown', ev => { if (ev.key === 'Enter') showField(row.dataset.field); });
  }

  const go = id => { const a = document.getElementById(id); if (a) location.href = a.href; };
  document.addEventListener('keydown', ev => {
    if (form && ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit(); return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.target.closest('input, select, textarea')) return;
    const keys = {
      j: () => go('next-letter'), k: () => go('prev-letter'),
      d: () => form && form.querySelector('[name=department]').focus(),
      e: () => { const box = document.getElementById('correct-fields'); if (box) { box.open = true; const i = box.querySelector('input'); if (i) i.focus(); } },
      '[': act.prev, ']': act.next, '+': act.in, '=': act.in, '-': act.out, r: act.rotate,
    };
    const fn = keys[ev.key];
    if (fn) { ev.preventDefault(); fn(); }
  });
  apply();
})();
