/**
 * A destination for the apps' JSON logger (pino writes one JSON object per line to anything with `write`),
 * keeping every line parsed, so a test can find the lines it expects.
 */
export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    destination: {
      write(line: string) {
        lines.push(JSON.parse(line));
      },
    },
  };
}
