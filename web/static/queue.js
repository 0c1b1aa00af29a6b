(() => {
  // J/K move through the rows, Enter opens the selected letter (outside the filter inputs).
  const rows = [...document.querySelectorAll('#queue tbody tr[data-id]')];
  let at = rows.length ? 0 : -1;
  const mark = () => rows.forEach((r, i) => r.classList.toggle('selected', i === at));
  mark();
  document.addEventListener('keydown', ev => {
    if (ev.target.closest('input, select, textarea') || ev.ctrlKey || ev.metaKey || ev.altKey || at < 0) return;
    if (ev.key === 'j') { at = Math.min(at + 1, rows.length - 1); mark(); rows[at].scrollIntoView({block: 'nearest'}); }
    else if (ev.key === 'k') { at = Math.max(at - 1, 0); mark(); rows[at].scrollIntoView({block: 'nearest'}); }
    else if (ev.key === 'Enter') { rows[at].querySelector('a').click(); }
  });
})();
