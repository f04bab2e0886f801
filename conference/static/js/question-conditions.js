// Questions asked only on a condition ("only when the answer to … is …") are hidden until the
// answer they depend on is given. Without this script every question shows, and the server
// ignores the answers to those whose condition is not met.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form");
  const dependents = [...document.querySelectorAll("[data-shown-if]")];
  if (!form || !dependents.length) return;
  const answers = (name) =>
    [...form.querySelectorAll(`[name="${name}"]`)]
      .filter((input) => !["radio", "checkbox"].includes(input.type) || input.checked)
      .map((input) => input.value);
  const update = () => {
    for (const box of dependents) {
      const source = form.querySelector(`[name="${box.dataset.shownIf}"]`);
      const sourceBox = source && source.closest(".field");
      const shown = !(sourceBox && sourceBox.hidden) && answers(box.dataset.shownIf).includes(box.dataset.shownIfAnswer);
      box.hidden = !shown;
    }
  };
  form.addEventListener("change", update);
  update();
});
