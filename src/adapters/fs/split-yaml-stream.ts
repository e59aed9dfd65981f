/** A piece of a YAML stream that holds at most one document. */
export interface YamlChunk {
  readonly text: string;
  /** How many lines of the stream come before the chunk (0 for the first). */
  readonly lineOffset: number;
}

function isMarkerEnd(text: string, at: number): boolean {
  const c = text[at];
  return c === undefined || c === " " || c === "\t" || c === "\r" || c === "\n";
}

/**
 * Splits a YAML stream at its document markers, so that each document can be parsed (and cached)
 * on its own: `kustomize build` output is deterministic, so a document whose text did not change
 * between before and after is parsed once. YAML 1.2 §9.1.4 (c-forbidden) makes this exact: a line
 * that starts with `---` followed by a space, a tab or the line end is a document marker wherever it
 * appears, inside quoted or block scalars too. Streams with directives (`%YAML`, `%TAG`) or explicit
 * document ends (`...`) are not split (undefined): the caller parses them whole.
 */
export function splitYamlStream(text: string): YamlChunk[] | undefined {
  const chunks: YamlChunk[] = [];
  let chunkStart = 0;
  let chunkLine = 0;
  let line = 0;
  let pos = 0;
  while (pos < text.length) {
    if (text.startsWith("---", pos) && isMarkerEnd(text, pos + 3)) {
      if (pos > chunkStart) chunks.push({ text: text.slice(chunkStart, pos), lineOffset: chunkLine });
      chunkStart = pos;
      chunkLine = line;
    } else if (text[pos] === "%" || (text.startsWith("...", pos) && isMarkerEnd(text, pos + 3))) {
      return undefined;
    }
    const next = text.indexOf("\n", pos);
    if (next < 0) break;
    pos = next + 1;
    line += 1;
  }
  if (text.length > chunkStart) chunks.push({ text: text.slice(chunkStart), lineOffset: chunkLine });
  return chunks;
}
