(() => {
  // While letters from this upload are still being read, refresh their status every two seconds.
  const table = document.getElementById('letters');
  const labels = {received: '已接收', queued: '排队中', processing: '识别中', review: '待审核', confirmed: '已确认', failed: '处理失败'};
  async function poll() {
    const ids = table.dataset.poll;
    if (!ids) return;
    const resp = await fetch(`${table.dataset.statuses}?ids=${ids}`);
    if (!resp.ok) return;
    const data = await resp.json();
    let pending = false;
    for (const [id, s] of Object.entries(data)) {
      const row = table.querySelector(`tr[data-id="${id}"]`);
      if (!row) continue;
      const cell = row.querySelector('.status');
      cell.textContent = labels[s.status] || s.status;
      cell.className = `status st-${s.status}`;
      if (s.failure_reason) row.querySelector('.reason').textContent = s.failure_reason;
      if (['received', 'queued', 'processing'].includes(s.status)) pending = true;
    }
    if (pending) setTimeout(poll, 2000); else if (Object.keys(data).length) location.reload();
  }
  if ([...table.querySelectorAll('.status')].some(c => ['st-received', 'st-queued', 'st-processing'].some(k => c.classList.contains(k)))) setTimeout(poll, 1500);
})();
