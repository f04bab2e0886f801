// Questions asked only on a condition ("only when the answer to … is …") are hidden until the
// answer they depend on is given. Without this script every question shows, and the server
// ignores the answers to those whose condition is not met.
document.addEventListener("DOMContentLoaded", () => {
  const dependents = [...document.querySelectorAll("[data-shown-if]")];
  const answers = (form, name) =>
    [...form.querySelectorAll(`[name="${name}"]`)]
      .filter((input) => !["radio", "checkbox"].includes(input.type) || input.checked)
      .map((input) => input.value);
  const update = () => {
    for (const box of dependents) {
      const form = box.closest("form");
      const source = form.querySelector(`[name="${box.dataset.shownIf}"]`);
      const sourceHidden = Boolean(source && source.closest("[data-shown-if]") && source.closest("[data-shown-if]").hidden);
      box.hidden = sourceHidden || !answers(form, box.dataset.shownIf).includes(box.dataset.shownIfAnswer);
    }
  };
  document.addEventListener("change", update);
  update();
});
