/**
 * Standard base64 (with padding) of the UTF-8 bytes of `text`: the encoding of a Secret's `data`
 * values and of an AdmissionResponse's `patch`. btoa is a global (no I/O), but it takes Latin-1,
 * so the UTF-8 bytes go through it as a binary string.
 */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  // Chunks keep String.fromCharCode's argument count far below engine limits on 1 MiB patches.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
