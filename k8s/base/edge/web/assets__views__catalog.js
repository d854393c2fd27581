// The catalog: product list with search and pages, and one product's page.

import { ApiError, query, request } from '../api.js';
import * as cart from '../cart.js';
import { announce, field, formatPrice, h, page, showProblem } from '../dom.js';
import { firstPage, pagedList } from '../pager.js';

const pageSize = 12;

// Kept across visits, so coming back from a product shows the same page of the same search.
let remembered = { search: '', state: firstPage() };

function stockText(stock) {
  if (stock === 0) return 'Out of stock';
  if (stock < 10) return `Only ${stock} left`;
  return 'In stock';
}

/** Adds a product to the cart and announces it. */
export function addToCart(product, quantity) {
  if (!cart.add(product.id, quantity)) {
    announce(`The cart already holds ${cart.limits.maxLines} different products.`, 'error');
    return;
  }
  const what = quantity === 1 ? product.name : `${quantity} × ${product.name}`;
  announce(`Added ${what} to the cart.`);
}

function productCard(product) {
  const headingId = `product-${product.id}`;
  return h('li', { class: 'card product-card', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, h('a', { href: `#/products/${encodeURIComponent(product.id)}` },
      product.name)),
    h('p', { class: 'sku' }, `SKU ${product.sku}`),
    h('p', { class: 'price' }, formatPrice(product.price_cents, product.currency)),
    h('p', { class: product.stock === 0 ? 'stock stock-out' : 'stock' }, stockText(product.stock)),
    h('button', {
      type: 'button',
      disabled: product.stock === 0,
      'aria-label': `Add ${product.name} to the cart`,
      onclick: () => addToCart(product, 1),
    }, 'Add to cart'));
}

/** #/ and #/?q=mug: the product list. */
export function catalogView({ query: parameters }) {
  const search = (parameters.get('q') || '').trim();
  if (search !== remembered.search) remembered = { search, state: firstPage() };

  const searchForm = h('form', { class: 'search', role: 'search' },
    field('Search products', { name: 'q', type: 'search', value: search, maxlength: 200,
      placeholder: 'Name or SKU' }),
    h('button', { type: 'submit' }, 'Search'));
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = searchForm.elements.namedItem('q').value.trim();
    window.location.hash = text ? `#/${query({ q: text })}` : '#/';
  });

  const list = pagedList({
    label: 'Product',
    state: remembered.state,
    emptyText: search ? `No products match “${search}”.` : 'There are no products yet.',
    fetchPage: (cursor) => request('GET',
      `/api/catalog/products${query({ limit: pageSize, q: search, cursor })}`,
      { authenticated: false }),
    renderItems: (items) => h('ul', { class: 'product-grid' }, items.map(productCard)),
  });

  return page(search ? `Products matching “${search}”` : 'Products', searchForm, list.element);
}

/** #/products/{id}: one product with a quantity to add. */
export async function productView({ params }) {
  let product;
  try {
    product = await request('GET', `/api/catalog/products/${encodeURIComponent(params[0])}`,
      { authenticated: false });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return page('Product not found',
        h('p', {}, 'This product does not exist or is no longer sold.'),
        h('p', {}, h('a', { href: '#/' }, 'Back to the products')));
    }
    showProblem(error);
    return page('Product', h('p', {}, h('a', { href: '#/' }, 'Back to the products')));
  }

  const maxQuantity = Math.min(product.stock, cart.limits.maxQuantity);
  const form = h('form', { class: 'add-to-cart' },
    field('Quantity', { name: 'quantity', type: 'number', min: 1, max: Math.max(1, maxQuantity),
      value: 1, required: true, inputmode: 'numeric', disabled: product.stock === 0 }),
    h('button', { type: 'submit', disabled: product.stock === 0 }, 'Add to cart'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const quantity = Number(form.elements.namedItem('quantity').value);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > maxQuantity) {
      announce(`Choose a quantity from 1 to ${maxQuantity}.`, 'error');
      return;
    }
    addToCart(product, quantity);
  });

  return page(product.name,
    h('div', { class: 'product-detail' },
      h('p', { class: 'price price-large' }, formatPrice(product.price_cents, product.currency)),
      h('p', { class: product.stock === 0 ? 'stock stock-out' : 'stock' },
        product.stock === 0 ? 'Out of stock' : `${product.stock} in stock`),
      h('p', { class: 'description' }, product.description || 'No description.'),
      h('p', { class: 'sku' }, `SKU ${product.sku}`),
      form,
      h('p', {}, h('a', { href: '#/' }, 'Back to the products'), ' · ',
        h('a', { href: '#/cart' }, 'Go to the cart'))));
}
