/** An agent's avatar: their initials on the brand's colour. */

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return "?";
  const first = words[0] ?? "";
  // Chinese names read as one word: their first character; others take the first letters of two words.
  if (/^[\u3400-\u9fff]/.test(first)) return first.slice(0, 1);
  const second = words.length > 1 ? (words[words.length - 1] ?? "") : "";
  return (first.slice(0, 1) + second.slice(0, 1)).toUpperCase();
}

export function Avatar({ name }: { name: string }) {
  return (
    <span class="avatar" aria-hidden="true">
      {initials(name)}
    </span>
  );
}
