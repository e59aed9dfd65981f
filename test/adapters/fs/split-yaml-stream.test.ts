import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { splitYamlStream } from "../../../src/adapters/fs/split-yaml-stream.ts";

describe("splitYamlStream", () => {
  it("splits at document markers, keeping each marker with the document it starts", () => {
    const text = "# header\n---\na: 1\n--- # second\nb: 2\n---\n";
    assert.deepEqual(splitYamlStream(text), [
      { text: "# header\n", lineOffset: 0 },
      { text: "---\na: 1\n", lineOffset: 1 },
      { text: "--- # second\nb: 2\n", lineOffset: 3 },
      { text: "---\n", lineOffset: 5 },
    ]);
  });

  it("handles CRLF line ends and a marker carrying content", () => {
    assert.deepEqual(splitYamlStream("a: 1\r\n--- {b: 2}\r\n"), [
      { text: "a: 1\r\n", lineOffset: 0 },
      { text: "--- {b: 2}\r\n", lineOffset: 1 },
    ]);
  });

  it("does not split at --- that is indented or part of a longer word", () => {
    const text = "a: |\n  ---\n  text\nb: ----\n---x: 1\n";
    assert.deepEqual(splitYamlStream(text), [{ text, lineOffset: 0 }]);
  });

  it("gives up on directives and explicit document ends (the caller parses the stream whole)", () => {
    assert.equal(splitYamlStream("%YAML 1.2\n---\na: 1\n"), undefined);
    assert.equal(splitYamlStream("a: 1\n...\n---\nb: 2\n"), undefined);
  });

  it("returns no chunk for empty text", () => {
    assert.deepEqual(splitYamlStream(""), []);
  });
});
