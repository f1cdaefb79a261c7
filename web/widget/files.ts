/** Files the visitor attaches: checked here first (type, size), then uploaded for their message to name. */
import { boot, formatSize, t } from "./boot";
import type { FileRef } from "./saved";

export const ACCEPTED = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"];

/** Why this file cannot be sent, in the visitor's language; null when it can. */
export function refusal(file: File): string | null {
  if (!ACCEPTED.includes(file.type)) return t("Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.");
  if (file.size > boot.max_file_bytes) return t("The file is too large (limit %(size)s).", { size: formatSize(boot.max_file_bytes) });
  return null;
}

export async function upload(file: File, visitorToken: string): Promise<FileRef> {
  const response = await fetch("/chat/files", {
    method: "POST",
    body: file,
    headers: {
      "Content-Type": file.type,
      "X-Filename": encodeURIComponent(file.name),
      "X-Visitor-Token": visitorToken,
    },
  });
  const data = (await response.json().catch(() => ({}))) as { file?: FileRef; error?: { code: string } };
  if (!response.ok || !data.file) throw new UploadError(data.error?.code ?? "http");
  return data.file;
}

export class UploadError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}
