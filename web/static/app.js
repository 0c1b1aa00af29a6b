// Every page: the 撤销 bar after a confirm (U, or its button) disappears when its time is up.
(() => {
  const bar = document.getElementById('undo-bar');
  if (!bar) return;
  const seconds = Number(bar.dataset.seconds || 0);
  setTimeout(() => bar.remove(), Math.max(seconds, 0) * 1000);
  document.addEventListener('keydown', ev => {
    if (ev.key !== 'u' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.target.closest('input, select, textarea')) return;
    if (!document.body.contains(bar)) return;
    ev.preventDefault();
    bar.requestSubmit();
  });
})();
