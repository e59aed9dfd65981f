import { RE2JS } from "re2js";

/**
 * Kubernetes evaluates CEL regular expressions with RE2 (linear time, no backtracking): cel-go's
 * `matches` and k8s.io/apiserver/pkg/cel/library/regex.go `find`/`findAll` use Go's regexp. The
 * evaluator's own `matches` uses JavaScript's backtracking RegExp (a `(a+)+$` pattern on 40
 * characters takes seconds), so every regular expression goes through re2js (the RE2/J port,
 * linear time, RE2 syntax) instead. Compiled patterns are kept, up to MAX_CACHED_PATTERNS.
 */
export const MAX_CACHED_PATTERNS = 512;

/** Longest pattern compiled: Kubernetes' estimated cost rejects far shorter ones in practice. */
export const MAX_PATTERN_LENGTH = 4_096;

export interface RegexCache {
  compile(pattern: string): RE2JS;
}

export function createRegexCache(): RegexCache {
  const compiled = new Map<string, RE2JS>();
  return {
    compile(pattern) {
      const hit = compiled.get(pattern);
      if (hit) return hit;
      if (pattern.length > MAX_PATTERN_LENGTH) throw new Error(`regular expression longer than ${MAX_PATTERN_LENGTH} characters`);
      const re = RE2JS.compile(pattern);
      if (compiled.size >= MAX_CACHED_PATTERNS) compiled.delete(compiled.keys().next().value!);
      compiled.set(pattern, re);
      return re;
    },
  };
}
