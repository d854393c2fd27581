// The cart page and checkout. Placing an order sends an Idempotency-Key that is made once per
// checkout attempt and reused when the same cart is sent again, so a retry after a lost
// response or a second click never orders twice.

import { ApiError, request, user } from '../api.js';
import * as cart from '../cart.js';
import { announce, flash, formatPrice, h, page, showProblem, uniqueId } from '../dom.js';

// The attempt in progress: its key and the exact body it was made for.
let attempt = null;
let placing = false;

function idempotencyKeyFor(body) {
  const text = JSON.stringify(body);
  if (!attempt || attempt.body !== text) attempt = { key: crypto.randomUUID(), body: text };
  return attempt.key;
}

/** Loads each product of the cart; a product that is gone maps to null. */
async function loadProducts(lines) {
  const entries = await Promise.all(lines.map(async (line) => {
    try {
      const product = await request('GET',
        `/api/catalog/products/${encodeURIComponent(line.product_id)}`,
        { authenticated: false });
      return [line.product_id, product];
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return [line.product_id, null];
      throw error;
    }
  }));
  return new Map(entries);
}

function namesOf(ids, products) {
  return ids.map((id) => products.get(id)?.name || `product ${id}`).join(', ');
}

/** Explains a failed order in the shopper's words, naming the products concerned. */
function showOrderProblem(error, products) {
  const problem = error.problem || {};
  const ids = Array.isArray(problem.products) ? problem.products : [];
  if (problem.type === '/problems/out-of-stock' && ids.length) {
    announce(`Not enough stock of ${namesOf(ids, products)}. Lower the quantity or remove it, ` +
      'then place the order again. Nothing was ordered.', 'error');
  } else if (problem.type === '/problems/unknown-product' && ids.length) {
    announce(`${namesOf(ids, products)} is no longer sold. Remove it from the cart, then place ` +
      'the order again. Nothing was ordered.', 'error');
  } else {
    showProblem(error);
  }
}

async function placeOrder(button, products) {
  if (placing) return;
  const lines = cart.lines();
  if (!lines.length) return;
  const body = { items: lines };
  const key = idempotencyKeyFor(body);

  placing = true;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = 'Placing the order…';
  try {
    const order = await request('POST', '/api/orders', {
      body,
      headers: { 'Idempotency-Key': key },
    });
    attempt = null;
    cart.clear();
    flash(`Order placed: ${formatPrice(order.total_cents, order.currency)}. Thank you!`);
    window.location.hash = '#/orders';
  } catch (error) {
    // Only a rejection of the order ends the attempt. After a network failure or a server
    // error the retry sends the same key, and the server replays its first response to a
    // repeated key instead of placing a second order.
    const retryable = error instanceof ApiError &&
      (error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500);
    if (!retryable) attempt = null;
    showOrderProblem(error, products);
    if (retryable) announce('You can place the order again safely: it will not be ordered twice.');
  } finally {
    placing = false;
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = 'Place order';
  }
}

function quantityControl(line, product, rerender) {
  const id = uniqueId('quantity');
  const input = h('input', {
    id,
    type: 'number',
    min: 1,
    max: cart.limits.maxQuantity,
    value: line.quantity,
    inputmode: 'numeric',
  });
  input.addEventListener('change', () => {
    const quantity = Number(input.value);
    if (!Number.isInteger(quantity) || quantity < 1) {
      announce(`Enter a quantity of at least 1 for ${product.name}, or remove it.`, 'error');
      return;
    }
    cart.setQuantity(line.product_id, quantity);
    rerender();
  });
  return [h('label', { for: id, class: 'visually-hidden' }, `Quantity of ${product.name}`),
    input];
}

function cartTable(lines, products, rerender) {
  const rows = lines.map((line) => {
    const product = products.get(line.product_id);
    const remove = h('button', {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        cart.remove(line.product_id);
        announce(`Removed ${product ? product.name : 'a product that is no longer sold'}.`);
        rerender();
      },
      'aria-label': `Remove ${product ? product.name : 'this product'}`,
    }, 'Remove');
    if (!product) {
      return h('tr', { class: 'unavailable' },
        h('td', { 'data-label': 'Product' }, 'A product that is no longer sold'),
        h('td', { 'data-label': 'Price' }, '—'), h('td', { 'data-label': 'Quantity' },
          String(line.quantity)),
        h('td', { 'data-label': 'Subtotal' }, '—'), h('td', {}, remove));
    }
    return h('tr', {},
      h('td', { 'data-label': 'Product' },
        h('a', { href: `#/products/${encodeURIComponent(product.id)}` }, product.name),
        product.stock < line.quantity
          ? h('span', { class: 'stock stock-out' }, ` (only ${product.stock} in stock)`) : null),
      h('td', { 'data-label': 'Price' }, formatPrice(product.price_cents, product.currency)),
      h('td', { 'data-label': 'Quantity' }, quantityControl(line, product, rerender)),
      h('td', { 'data-label': 'Subtotal' },
        formatPrice(product.price_cents * line.quantity, product.currency)),
      h('td', {}, remove));
  });
  return h('table', { class: 'cart-table' },
    h('caption', { class: 'visually-hidden' }, 'Products in the cart'),
    h('thead', {}, h('tr', {}, ['Product', 'Price', 'Quantity', 'Subtotal', ''].map(
      (heading) => h('th', { scope: 'col' }, heading || h('span', { class: 'visually-hidden' },
        'Actions'))))),
    h('tbody', {}, rows));
}

function totalOf(lines, products) {
  let cents = 0;
  let currency = null;
  for (const line of lines) {
    const product = products.get(line.product_id);
    if (!product) continue;
    cents += product.price_cents * line.quantity;
    currency = currency || product.currency;
  }
  return currency ? formatPrice(cents, currency) : null;
}

/** #/cart: the cart's products, quantities, total and the checkout button. */
export async function cartView() {
  const content = h('div', { class: 'cart' });

  async function render() {
    const lines = cart.lines();
    if (!lines.length) {
      content.replaceChildren(h('p', {}, 'The cart is empty. ',
        h('a', { href: '#/' }, 'Browse the products')));
      return;
    }
    let products;
    try {
      products = await loadProducts(lines);
    } catch (error) {
      showProblem(error);
      content.replaceChildren(h('p', {}, 'The cart could not be loaded.'));
      return;
    }

    const total = totalOf(lines, products);
    let checkout;
    if (user()) {
      const button = h('button', { type: 'button', class: 'primary', id: 'place-order' },
        'Place order');
      button.addEventListener('click', () => placeOrder(button, products));
      checkout = h('div', { class: 'checkout' },
        h('p', { class: 'hint' }, 'Prices are confirmed when the order is placed.'), button);
    } else {
      checkout = h('p', { class: 'checkout' },
        h('a', { href: '#/login?next=/cart', class: 'button primary' }, 'Log in to check out'),
        ' or ', h('a', { href: '#/register?next=/cart' }, 'create an account'));
    }
    content.replaceChildren(cartTable(lines, products, render),
      total ? h('p', { class: 'total' }, 'Total: ', h('strong', {}, total)) : null, checkout);
  }

  await render();
  return page('Cart', content);
}
