/**
 * Standard base64 (with padding) of the UTF-8 bytes of `text`: the encoding of a Secret's `data`
 * values and of an AdmissionResponse's `patch`. TextEncoder and Uint8Array#toBase64 (ES2026, V8
 * 14: Node 25 and later) are language globals, not I/O; toBase64 is native and about 10× faster
 * than going through btoa with a binary string, which stays as the path for Node 24.
 */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (typeof bytes.toBase64 === "function") return bytes.toBase64();
  let binary = "";
  // Chunks keep String.fromCharCode's argument count far below engine limits on 1 MiB patches.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
