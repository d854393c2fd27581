// The shopping cart, kept in localStorage as product ids and quantities only (nothing about
// the shopper), so it survives reloads and is shared by the tabs of this browser.

const storageKey = 'agora.cart';
const maxLines = 50;
const maxQuantity = 1000;
const listeners = new Set();

function isLine(line) {
  return line && typeof line.product_id === 'string' && line.product_id.length > 0 &&
    line.product_id.length <= 64 && Number.isInteger(line.quantity) && line.quantity >= 1 &&
    line.quantity <= maxQuantity;
}

/** Returns the cart's lines, [{product_id, quantity}], in the order they were added. */
export function lines() {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey) || '[]');
    if (!Array.isArray(stored)) return [];
    return stored.filter(isLine).slice(0, maxLines)
      .map(({ product_id, quantity }) => ({ product_id, quantity }));
  } catch {
    return [];
  }
}

function save(updated) {
  localStorage.setItem(storageKey, JSON.stringify(updated.map(({ product_id, quantity }) => ({
    product_id,
    quantity,
  }))));
  for (const listener of listeners) listener();
}

function clampQuantity(quantity) {
  return Math.min(maxQuantity, Math.max(1, Math.trunc(quantity)));
}

/**
 * Adds `quantity` of a product (to its line when there is one). Returns false when the cart
 * already has the maximum number of lines of an order (50).
 */
export function add(productId, quantity = 1) {
  const current = lines();
  const line = current.find((entry) => entry.product_id === productId);
  if (line) {
    line.quantity = clampQuantity(line.quantity + quantity);
  } else {
    if (current.length >= maxLines) return false;
    current.push({ product_id: productId, quantity: clampQuantity(quantity) });
  }
  save(current);
  return true;
}

/** Sets a line's quantity (1-1000). */
export function setQuantity(productId, quantity) {
  save(lines().map((line) => (line.product_id === productId
    ? { ...line, quantity: clampQuantity(quantity) } : line)));
}

/** Removes a product's line. */
export function remove(productId) {
  save(lines().filter((line) => line.product_id !== productId));
}

/** Empties the cart (after an order is placed). */
export function clear() {
  save([]);
}

/** Returns the number of items (the sum of the quantities). */
export function itemCount() {
  return lines().reduce((total, line) => total + line.quantity, 0);
}

/** Calls `listener()` after every change, also changes made in another tab. */
export function onCartChange(listener) {
  listeners.add(listener);
}

window.addEventListener('storage', (event) => {
  if (event.key !== storageKey && event.key !== null) return;
  for (const listener of listeners) listener();
});

export const limits = { maxLines, maxQuantity };
