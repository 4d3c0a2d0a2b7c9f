// "Copy the code" beside a read-only snippet: shown only when the browser can copy, since the
// text area already lets a reader select the code without JavaScript.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) return;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = button.dataset.done;
    } catch {
      button.textContent = label;
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
});
