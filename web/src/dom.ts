// DOM helpers. Every text that may come from the estate (names, ids, rules, messages) goes in
// with textContent or as an attribute value: nothing is ever parsed as HTML (DESIGN.md
// principle 7). There is no innerHTML anywhere in web/.

type Child = Node | string | number | null | undefined | false;

export interface ElOptions {
  class?: string;
  title?: string;
  attrs?: Record<string, string>;
  data?: Record<string, string>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (ev: HTMLElementEventMap[K]) => void }>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, opts: ElOptions | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (opts?.class) e.className = opts.class;
  if (opts?.title) e.title = opts.title;
  for (const [k, v] of Object.entries(opts?.attrs ?? {})) e.setAttribute(k, v);
  for (const [k, v] of Object.entries(opts?.data ?? {})) e.dataset[k] = v;
  for (const [k, fn] of Object.entries(opts?.on ?? {})) e.addEventListener(k, fn as EventListener);
  append(e, ...children);
  return e;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}

export function $(sel: string): HTMLElement {
  const e = document.querySelector<HTMLElement>(sel);
  if (!e) throw new Error(`missing element ${sel}`);
  return e;
}

/** A table of strings (every cell set with textContent). */
export function table(columns: string[], rows: string[][], opts: { class?: string; maxRows?: number } = {}): HTMLElement {
  const max = opts.maxRows ?? 500;
  const t = el('table', { class: opts.class ?? 'grid' });
  const head = el('tr');
  for (const c of columns) head.appendChild(el('th', null, c));
  t.appendChild(el('thead', null, head));
  const body = el('tbody');
  for (const r of rows.slice(0, max)) {
    const tr = el('tr');
    for (const c of r) tr.appendChild(el('td', null, c));
    body.appendChild(tr);
  }
  t.appendChild(body);
  if (rows.length > max) return el('div', null, t, el('p', { class: 'muted' }, `... and ${rows.length - max} more rows`));
  return t;
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return el('section', { class: 'block' }, el('h3', null, title), ...children);
}

export function notAvailable(what: string, why: string): HTMLElement {
  return el('div', { class: 'not-available', data: { testid: 'not-available' } }, el('h3', null, `${what}: not available`), el('p', null, why));
}
