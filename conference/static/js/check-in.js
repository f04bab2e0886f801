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
  const recentList = document.getElementById("recent-list");
  const sentSection = document.getElementById("sent");
  const sentList = document.getElementById("sent-list");
  const admitForm = document.getElementById("admit-form");
  const badgeLink = document.getElementById("badge-link");
  const storageKey = `check-in-queue-${door.dataset.event}`;
  const BATCH = 50; // scans per request (the server takes at most 100)
  let csrfToken = door.dataset.csrf;
  let sending = false;
  // A page answering a form (an admission) has that form's address: reloading it shows the door, not the form again.
  window.history.replaceState(null, "", door.dataset.url);

  const loadQueue = () => JSON.parse(localStorage.getItem(storageKey) || "[]");
  const saveQueue = (queue) => localStorage.setItem(storageKey, JSON.stringify(queue));

  const showQueue = () => {
    const queue = loadQueue();
    queueSection.hidden = queue.length === 0;
    queueList.replaceChildren(...queue.map((scan) => {
      const item = document.createElement("li");
      const time = new Date(scan.at).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
      item.textContent = `${scan.code} · ${time} · ${queueSection.dataset.waiting}`;
      return item;
    }));
  };

  // The answer in large type, and the last few below it, so a quick second scan hides nothing.
  const show = (outcome) => {
    const line = document.createElement("li");
    line.className = outcome.admitted ? "door__sent-ok" : "door__sent-refused";
    line.textContent = [outcome.name, outcome.message].filter(Boolean).join(" · ");
    recentList.prepend(line);
    while (recentList.children.length > 5) recentList.lastElementChild.remove();
    recentList.parentElement.hidden = false;
    result.hidden = false;
    result.className = `check-in-result check-in-result--${outcome.admitted ? "ok" : outcome.queued ? "queued" : "refused"}`;
    result.querySelector(".check-in-result__message").textContent = outcome.message;
    result.querySelector(".check-in-result__name").textContent = outcome.name || "";
    result.querySelector(".check-in-result__detail").textContent = outcome.detail || "";
    for (const earlier of result.querySelectorAll("[data-this-answer]")) earlier.remove();
    badgeLink.parentElement.hidden = !outcome.badge;
    if (outcome.badge) badgeLink.href = outcome.badge;
    if (admitForm) admitForm.hidden = !outcome.admit;
    if (outcome.admit) {
      admitForm.action = outcome.admit.url;
      admitForm.dataset.confirm = outcome.admit.confirm;
      admitForm.querySelector("input[name=csrf_token]").value = csrfToken;
      document.getElementById("admit-name").textContent = outcome.admit.name;
    }
  };

  // The lists and counts as the server has them now.
  const refresh = async () => {
    const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const id of ["door-lists", "count-in", "count-expected", "room-note"]) {
      const replacement = fresh.getElementById(id);
      if (replacement) document.getElementById(id).replaceWith(replacement);
    }
    bindForms(document.getElementById("door-lists"));
  };

  const post = (scans) => fetch(door.dataset.scansUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify({ scans }),
  });
  const isJson = (response) => response.ok && !response.redirected
    && (response.headers.get("Content-Type") || "").startsWith("application/json");

  // Sends scans: {results}, {offline: true} when the network is down, or {problem} when the server refused them.
  const send = async (scans) => {
    try {
      let response = await post(scans);
      if (response.status === 400) {
        // The page was open longer than its form token lives: fetch a fresh one and try once more.
        const state = await fetch(door.dataset.scansUrl, { headers: { Accept: "application/json" } });
        if (state.redirected && new URL(state.url).pathname.startsWith("/login")) return { problem: queueSection.dataset.loggedOut };
        if (isJson(state)) csrfToken = (await state.json()).csrf_token;
        response = await post(scans);
      }
      if (response.redirected && new URL(response.url).pathname.startsWith("/login")) {
        return { problem: queueSection.dataset.loggedOut };
      }
      if (!isJson(response)) return { problem: queueSection.dataset.refused };
      const answer = await response.json();
      csrfToken = answer.csrf_token;
      return { results: answer.results };
    } catch (error) {
      return { offline: true };
    }
  };

  const showSent = (scans, results) => {
    sentSection.hidden = false;
    sentList.replaceChildren(...results.map((outcome, index) => {
      const item = document.createElement("li");
      item.className = outcome.admitted ? "door__sent-ok" : "door__sent-refused";
      item.textContent = [outcome.name || scans[index].code, outcome.message, outcome.detail].filter(Boolean).join(" · ");
      return item;
    }));
    const admitted = results.filter((outcome) => outcome.admitted).length;
    show({
      admitted: admitted === results.length,
      message: sentSection.dataset.summary.replace("{admitted}", admitted).replace("{refused}", results.length - admitted),
    });
  };

  // Sends what waited on this device, oldest first, in batches; lists every answer.
  const flush = async () => {
    if (sending || loadQueue().length === 0 || !navigator.onLine) return;
    sending = true;
    const sent = [];
    const answers = [];
    try {
      for (let batch = loadQueue().slice(0, BATCH); batch.length; batch = loadQueue().slice(0, BATCH)) {
        const answer = await send(batch);
        if (answer.problem) show({ message: answer.problem });
        if (!answer.results) break;
        saveQueue(loadQueue().slice(batch.length));
        sent.push(...batch);
        answers.push(...answer.results);
      }
    } finally {
      sending = false;
    }
    showQueue();
    if (answers.length === 0) return;
    showSent(sent, answers);
    await refresh();
  };

  const wait = (entry, message) => {
    saveQueue([...loadQueue(), entry]);
    showQueue();
    show({ queued: true, message, name: entry.code });
  };

  const scanNow = async (code) => {
    const entry = { code: code.trim(), at: new Date().toISOString(), forum: door.dataset.forum ? Number(door.dataset.forum) : null };
    if (!entry.code) return;
    if (!navigator.onLine) { wait(entry, queueSection.dataset.offline); return; }
    if (loadQueue().length > 0) { // earlier scans still wait: this one goes after them
      wait(entry, queueSection.dataset.behind);
      await flush();
      return;
    }
    const answer = await send([entry]);
    if (!answer.results) { wait(entry, answer.problem || queueSection.dataset.offline); return; }
    show(answer.results[0]);
    await refresh();
  };
  // One scan after the other, so that answers arrive in the order the codes were read.
  let scanning = Promise.resolve();
  const scan = (code) => { scanning = scanning.then(() => scanNow(code)); };

  form.addEventListener("submit", (submitted) => {
    submitted.preventDefault();
    const code = input.value;
    input.value = "";
    input.focus(); // a hand scanner types the next code here
    scan(code);
  });

  // Forms in ``root``: a list's "Check in" is a scan; what asks first asks here, so the server need not ask again.
  const bindForms = (root) => {
    for (const listForm of root.querySelectorAll("form.js-scan")) {
      listForm.addEventListener("submit", (submitted) => {
        submitted.preventDefault();
        scan(listForm.querySelector("input[name=code]").value);
      });
    }
    for (const askingForm of root.querySelectorAll("form.js-confirm")) {
      askingForm.addEventListener("submit", (submitted) => {
        if (!window.confirm(askingForm.dataset.confirm)) {
          submitted.preventDefault();
          return;
        }
        const answer = askingForm.querySelector("input[name=confirmed]") || document.createElement("input");
        Object.assign(answer, { type: "hidden", name: "confirmed", value: "1" });
        askingForm.append(answer);
      });
    }
  };
  bindForms(document);

  window.addEventListener("online", flush);
  setInterval(flush, 10000);
  showQueue();
  flush();

  // The camera: scans continuously; a code seen again within half a minute of its last sight (the
  // badge still in front of the lens) is not sent again.
  const button = document.getElementById("scan-button");
  const video = document.getElementById("scan-video");
  const cameraMessage = document.getElementById("camera-message");
  const tell = (message) => { cameraMessage.textContent = message; cameraMessage.hidden = false; };
  if (!window.isSecureContext || !navigator.mediaDevices) { tell(cameraMessage.dataset.insecure); return; }
  if (!window.QrScanner) return;

  const REPEAT_MS = 30000;
  const lastSeen = new Map();
  let scanner = null;
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
  button.addEventListener("click", async () => {
    if (scanner) { stop(); return; }
    cameraMessage.hidden = true;
    try {
      // Asked here, not by qr-scanner, which reports every failure as "Camera not found".
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      stream.getTracks().forEach((track) => track.stop());
    } catch (error) {
      tell(error.name === "NotAllowedError" || error.name === "SecurityError" ? cameraMessage.dataset.refused : cameraMessage.dataset.noCamera);
      return;
    }
    video.hidden = false;
    button.textContent = button.dataset.stop;
    scanner = new QrScanner(video, (decoded) => {
      const now = Date.now();
      const previous = lastSeen.get(decoded.data) || 0;
      lastSeen.set(decoded.data, now); // a code held in view stays quiet until it has been away a while
      if (now - previous >= REPEAT_MS) scan(decoded.data);
    }, { returnDetailedScanResult: true });
    scanner.start().catch(() => { stop(); tell(cameraMessage.dataset.noCamera); });
  });
});
