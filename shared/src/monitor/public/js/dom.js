// A tiny element builder. Text always goes in through textContent, never innerHTML: znode names and
// data are arbitrary bytes, and the page must not run what a node happens to contain.

/**
 * el('a', { class: 'x', href: '#', dataset: { path: '/a' }, onclick: fn }, 'text', child)
 * Props that are null, undefined or false are skipped.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

export function byTestId(root, id) {
  const node = root.querySelector(`[data-testid="${id}"]`);
  if (!node) throw new Error(`no element with data-testid="${id}"`);
  return node;
}
