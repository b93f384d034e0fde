// JSON output: 2-space indented, one trailing newline. Key order is the order the engine builds
// its answers in (the Network Watcher field order), which is deterministic.

export function renderJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v instanceof Set ? [...v] : v), 2) + '\n';
}
