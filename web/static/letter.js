// The letter page: scan viewer (page, zoom that keeps the page, rotate), field-to-text links, type-to-search
// in the label lists (pinyin initials: "rsj" finds 人社局), and the reviewer's keys (listed in #keys).
(() => {
  const form = document.getElementById('review-form');
  const scroller = document.getElementById('scan');
  const tools = document.getElementById('scan-tools');
  const pages = [...document.querySelectorAll('#pages figure')];
  let page = 0, zoom = 1, turn = 0;

  // Positions inside the scan's own scroll box; the sticky toolbar covers its top.
  const toolbarHeight = () => (tools ? tools.offsetHeight : 0);
  const figTop = fig => fig.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
  const view = () => {  // the page at the top of the view, and how far into it
    const top = scroller.scrollTop + toolbarHeight();
    let idx = 0;
    pages.forEach((fig, i) => { if (figTop(fig) <= top + 2) idx = i; });
    const fig = pages[idx];
    return {idx, frac: fig.offsetHeight ? Math.max(0, (top - figTop(fig)) / fig.offsetHeight) : 0};
  };
  const label = () => { const el = document.getElementById('page-no'); if (el) el.textContent = `${page + 1} / ${pages.length}`; };
  const apply = () => {
    for (const fig of pages) {
      const img = fig.querySelector('img');
      img.style.width = `${100 * zoom}%`;
      img.style.transform = turn ? `rotate(${turn}deg)` : '';
      img.classList.toggle('sideways', turn % 180 !== 0);
    }
    label();
  };
  const show = (idx, frac = 0) => {
    const fig = pages[idx];
    scroller.scrollTop = figTop(fig) + frac * fig.offsetHeight - toolbarHeight();
  };
  const goPage = n => {
    if (!pages.length) return;
    page = Math.max(0, Math.min(pages.length - 1, n));
    show(page);
    label();
  };
  // Zoom and rotation change every page's height: the page being read stays in view, at the same place.
  const keepPage = change => () => {
    if (!pages.length) return;
    const at = view();
    change();
    apply();
    page = at.idx;
    show(at.idx, at.frac);
    label();
  };
  const act = {
    prev: () => goPage(page - 1), next: () => goPage(page + 1),
    in: keepPage(() => { zoom = Math.min(zoom * 1.25, 4); }), out: keepPage(() => { zoom = Math.max(zoom / 1.25, 0.5); }),
    fit: keepPage(() => { zoom = 1; }), rotate: keepPage(() => { turn = (turn + 90) % 360; }),
  };
  if (tools) tools.addEventListener('click', ev => { const b = ev.target.closest('button'); if (b) act[b.dataset.act](); });
  if (scroller && pages.length) scroller.addEventListener('scroll', () => { const idx = view().idx; if (idx !== page) { page = idx; label(); } });

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

  // Type-to-search in a focused label list: initials, then pinyin, then the name (or full name) itself.
  const matchers = typed => [
    o => (o.dataset.initials || '').split(' ').some(x => x.startsWith(typed)),
    o => (o.dataset.pinyin || '').split(' ').some(x => x.startsWith(typed)),
    o => o.textContent.includes(typed) || (o.dataset.full || '').includes(typed),
    o => (o.dataset.initials || '').includes(typed),
  ];
  for (const select of document.querySelectorAll('select[data-search]')) {
    const hint = document.getElementById(`typed-${select.name}`);
    const idle = hint ? hint.textContent : '';
    let typed = '', timer = null;
    select.addEventListener('keydown', ev => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.key === 'Backspace') typed = typed.slice(0, -1);
      else if (ev.key === 'Escape') typed = '';
      else if (ev.key.length === 1 && /[\p{L}\p{N}]/u.test(ev.key)) typed += ev.key.toLowerCase();
      else return;
      ev.preventDefault();
      ev.stopPropagation();
      clearTimeout(timer);
      timer = setTimeout(() => { typed = ''; if (hint) hint.textContent = idle; }, 2000);
      const options = [...select.options].filter(o => o.value);
      let found = null;
      for (const test of typed ? matchers(typed) : []) { found = options.find(test); if (found) break; }
      if (found) { select.value = found.value; select.dispatchEvent(new Event('change', {bubbles: true})); }
      if (hint) hint.textContent = typed ? `${typed} → ${found ? found.textContent : '没有匹配'}` : idle;
    });
  }

  const go = id => { const a = document.getElementById(id); if (a) location.href = a.href; };
  const focus = selector => { const el = document.querySelector(selector); if (el) el.focus(); };
  document.addEventListener('keydown', ev => {
    if (form && ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit(); return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.target.closest('input, select, textarea')) return;
    const keys = {
      j: () => go('next-letter'), k: () => go('prev-letter'),
      c: () => focus('#review-form [name=category]'), p: () => focus('#review-form [name=purpose]'),
      d: () => focus('#review-form [name=department]'), b: () => focus('#rescan-reason'),
      x: () => { const box = document.querySelector('#review-form [name=is_repeat]'); if (box) box.checked = !box.checked; },
      e: () => { const box = document.getElementById('correct-fields'); if (box) { box.open = true; const i = box.querySelector('input'); if (i) i.focus(); } },
      '[': act.prev, ']': act.next, '+': act.in, '=': act.in, '-': act.out, r: act.rotate,
    };
    const fn = keys[ev.key];
    if (fn) { ev.preventDefault(); fn(); }
  });
  apply();
})();
