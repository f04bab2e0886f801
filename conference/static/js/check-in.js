// The door: scans by camera (qr-scanner, copied from npm by `make`), hand scanner or typing go to
// the server as JSON, and the page stays put. Without a network, scans wait in this device's
// storage, are listed, and are sent when the network is back; the server counts a scan sent
// twice once. Without this script the forms post as usual.
document.addEventListener("DOMContentLoaded", () => {
  const door = document.getElementById("door");
  const form = document.getElementById("scan-form");
  if (!door || !form) return;
  const input = form.querySelector("input[name=code]");
  const result = document.getElementById("scan-result");
  const queueSection = document.getElementById("queue");
  const queueList = document.getElementById("queue-list");
  const storageKey = `check-in-queue-${door.dataset.event}`;
  let csrfToken = door.dataset.csrf;
  let sending = false;

  const loadQueue = () => JSON.parse(localStorage.getItem(storageKey) || "[]");
  const saveQueue = (queue) => localStorage.setItem(storageKey, JSON.stringify(queue));

  const showQueue = () => {
    const queue = loadQueue();
    queueSection.hidden = queue.length === 0;
    queueList.replaceChildren(...queue.map((scan) => {
      const item = document.createElement("li");
      item.textContent = `${scan.code} · ${new Date(scan.at).toLocaleTimeString()} · ${queueSection.dataset.waiting}`;
      return item;
    }));
  };

  const show = (outcome) => {
    result.hidden = false;
    result.className = `check-in-result check-in-result--${outcome.admitted ? "ok" : outcome.queued ? "queued" : "refused"}`;
    result.querySelector(".check-in-result__message").textContent = outcome.message;
    result.querySelector(".check-in-result__name").textContent = outcome.name || "";
    result.querySelector(".check-in-result__detail").textContent = outcome.detail || "";
  };

  // The lists and counts as the server has them now.
  const refresh = async () => {
    const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const id of ["door-lists", "count-in", "count-expected"]) {
      const replacement = fresh.getElementById(id);
      if (replacement) document.getElementById(id).replaceWith(replacement);
    }
    bindListForms();
  };

  const post = (scans) => fetch(door.dataset.scansUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify({ scans }),
  });

  // Sends scans; resolves to the server's answers, or null when the network is down.
  const send = async (scans) => {
    try {
      let response = await post(scans);
      if (response.status === 400) {
        // The page was open longer than its form token lives: fetch a fresh one and try once more.
        const state = await fetch(door.dataset.scansUrl, { headers: { Accept: "application/json" } });
        if (state.ok) csrfToken = (await state.json()).csrf_token;
        response = await post(scans);
      }
      if (!response.ok) return null;
      const answer = await response.json();
      csrfToken = answer.csrf_token;
      return answer.results;
    } catch (error) {
      return null; // no network
    }
  };

  // Sends what waited on this device, oldest first; shows the last answer.
  const flush = async () => {
    const queue = loadQueue();
    if (sending || queue.length === 0 || !navigator.onLine) return;
    sending = true;
    const results = await send(queue);
    sending = false;
    if (results === null) return;
    saveQueue(loadQueue().slice(queue.length));
    showQueue();
    show(results[results.length - 1]);
    await refresh();
  };

  const scan = async (code) => {
    const entry = { code: code.trim(), at: new Date().toISOString(), forum: door.dataset.forum ? Number(door.dataset.forum) : null };
    if (!entry.code) return;
    const queued = loadQueue();
    const results = queued.length === 0 && navigator.onLine ? await send([entry]) : null;
    if (results === null) {
      saveQueue([...loadQueue(), entry]);
      showQueue();
      show({ queued: true, message: queueSection.dataset.offline, name: entry.code });
      return;
    }
    show(results[0]);
    await refresh();
  };

  form.addEventListener("submit", (submitted) => {
    submitted.preventDefault();
    const code = input.value;
    input.value = "";
    input.focus(); // a hand scanner types the next code here
    scan(code);
  });

  const bindListForms = () => {
    for (const listForm of document.querySelectorAll("form.js-scan")) {
      listForm.addEventListener("submit", (submitted) => {
        submitted.preventDefault();
        scan(listForm.querySelector("input[name=code]").value);
      });
    }
  };
  bindListForms();

  window.addEventListener("online", flush);
  setInterval(flush, 10000);
  showQueue();
  flush();

  // The camera: scans continuously; the same code is taken once within a few seconds.
  const button = document.getElementById("scan-button");
  const video = document.getElementById("scan-video");
  const cameraMessage = document.getElementById("camera-message");
  const tell = (message) => { cameraMessage.textContent = message; cameraMessage.hidden = false; };
  if (!window.isSecureContext || !navigator.mediaDevices) { tell(cameraMessage.dataset.insecure); return; }
  if (!window.QrScanner) return;

  let scanner = null;
  let lastCode = "";
  let lastAt = 0;
  const stop = () => {
    if (scanner) scanner.destroy();
    scanner = null;
    video.hidden = true;
    button.textContent = button.dataset.start;
  };
  QrScanner.hasCamera().then((hasCamera) => {
    button.hidden = !hasCamera;
    if (!hasCamera) tell(cameraMessage.dataset.noCamera);
  });
  button.addEventListener("click", () => {
    if (scanner) { stop(); return; }
    cameraMessage.hidden = true;
    video.hidden = false;
    button.textContent = button.dataset.stop;
    scanner = new QrScanner(video, (decoded) => {
      const now = Date.now();
      if (decoded.data === lastCode && now - lastAt < 4000) return;
      lastCode = decoded.data;
      lastAt = now;
      scan(decoded.data);
    }, { returnDetailedScanResult: true });
    scanner.start().catch((error) => {
      stop();
      const refused = error && (error.name === "NotAllowedError" || /denied|not allowed/i.test(String(error)));
      tell(refused ? cameraMessage.dataset.refused : cameraMessage.dataset.noCamera);
    });
  });
});
