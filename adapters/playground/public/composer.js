// Everything a person can send: typed or pasted text, files picked, dropped on the chat or pasted as images.

/**
 * @param {{ form: HTMLFormElement, input: HTMLTextAreaElement, picker: HTMLInputElement, dropArea: HTMLElement,
 *   onText: (text: string) => Promise<void>, onFiles: (files: File[]) => Promise<void> }} parts
 */
export function wireComposer({ form, input, picker, dropArea, onText, onFiles }) {
  const send = async () => {
    const text = input.value.trim();
    if (text === "") return;
    input.value = "";
    try {
      await onText(text);
    } catch {
      // Give the text back so nothing typed is lost; onText has already told the person.
      if (input.value === "") input.value = text;
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void send();
  });
  // Enter sends, Shift+Enter starts a new line, as in every chat app.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void send();
    }
  });

  picker.addEventListener("change", () => {
    const files = [...(picker.files ?? [])];
    picker.value = "";
    if (files.length > 0) void onFiles(files);
  });

  // A pasted screenshot arrives as a file; pasted text is left to the text box.
  input.addEventListener("paste", (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    void onFiles(files);
  });

  let depth = 0;
  const hasFiles = (/** @type {DragEvent} */ event) => event.dataTransfer?.types.includes("Files") ?? false;
  dropArea.addEventListener("dragenter", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth += 1;
    dropArea.classList.add("dragging");
  });
  dropArea.addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
  });
  dropArea.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) dropArea.classList.remove("dragging");
  });
  dropArea.addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth = 0;
    dropArea.classList.remove("dragging");
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0) void onFiles(files);
  });
}
