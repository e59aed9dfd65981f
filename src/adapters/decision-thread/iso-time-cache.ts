/** RFC 3339 time of a millisecond, remembered for the next call: at 10,000 answers/s about ten records share each millisecond, and formatting one costs 0.4 µs. */
export function isoTimeCache(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastText = "";
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      lastText = new Date(ms).toISOString();
    }
    return lastText;
  };
}
