// Scanning check-in QR codes with the device's camera (qr-scanner, copied from npm by `make`).
// Without a camera, or without this script, the code field works as before: typed, or filled by a
// hand scanner that types.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("scan-button");
  const video = document.getElementById("scan-video");
  const input = document.getElementById("code");
  if (!button || !video || !input || !window.QrScanner) return;

  let scanner = null;
  const stop = () => {
    if (scanner) scanner.stop();
    scanner = null;
    video.hidden = true;
    button.textContent = button.dataset.start;
  };

  QrScanner.hasCamera().then((hasCamera) => { button.hidden = !hasCamera; });
  button.addEventListener("click", () => {
    if (scanner) return stop();
    video.hidden = false;
    button.textContent = button.dataset.stop;
    scanner = new QrScanner(video, (result) => {
      stop();
      input.value = result.data;
      input.form.requestSubmit();
    }, { returnDetailedScanResult: true });
    scanner.start().catch(stop);
  });
});
