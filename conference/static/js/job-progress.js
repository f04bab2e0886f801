// Follows a document job in the background: updates the progress bar, and shows the download
// once the job is done. Without this script the page offers a link to look again.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("job");
  if (!box || !["queued", "running"].includes(box.dataset.status)) return;
  const bar = document.getElementById("job-progress");
  const text = document.getElementById("job-count");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      const job = await response.json();
      if (job.status === "done" || job.status === "failed") {
        window.location.reload();
        return;
      }
      bar.max = job.total || 1;
      bar.value = job.done;
      // Before the job has counted the certificates, "0 / 0" would say nothing.
      text.textContent = job.total ? `${job.done} / ${job.total}` : text.dataset.preparing;
    } catch (error) {
      // A network hiccup: the next poll tries again.
    }
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1000);
});
