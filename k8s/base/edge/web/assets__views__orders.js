// The shopper's orders, newest first, each with its lines and a cancel button while placed.

import { query, request } from '../api.js';
import { announce, formatDate, formatPrice, h, page, showProblem, whileBusy } from '../dom.js';
import { pagedList } from '../pager.js';

const statusNames = { placed: 'Placed', cancelled: 'Cancelled' };

function orderCard(order) {
  const headingId = `order-${order.id}`;
  const card = h('li', { class: 'card order', 'aria-labelledby': headingId });

  function render(current) {
    const cancel = current.status === 'placed'
      ? h('button', { type: 'button', class: 'secondary' }, 'Cancel order') : null;
    cancel?.addEventListener('click', () => whileBusy(cancel, async () => {
      try {
        const cancelled = await request('POST',
          `/api/orders/${encodeURIComponent(current.id)}/cancel`);
        render(cancelled);
        announce(`The order of ${formatDate(cancelled.created_at)} is cancelled.`);
        card.querySelector('h2').focus();
      } catch (error) {
        showProblem(error);
      }
    }));
    card.replaceChildren(
      h('h2', { id: headingId, tabindex: '-1' }, `Order of ${formatDate(current.created_at)}`),
      h('p', { class: `status status-${current.status}` },
        statusNames[current.status] || current.status),
      h('ul', { class: 'order-lines' }, current.items.map((item) => h('li', {},
        `${item.quantity} × ${item.name}`, ' ',
        h('span', { class: 'muted' }, `at ${formatPrice(item.unit_price_cents, current.currency)}`)
      ))),
      h('p', { class: 'total' }, 'Total: ',
        h('strong', {}, formatPrice(current.total_cents, current.currency))),
      h('p', { class: 'muted order-id' }, `Order number ${current.id}`),
      cancel);
  }

  render(order);
  return card;
}

/** #/orders */
export function ordersView() {
  const list = pagedList({
    label: 'Order',
    emptyText: 'You have no orders yet.',
    fetchPage: (cursor) => request('GET', `/api/orders${query({ limit: 10, cursor })}`),
    renderItems: (items) => h('ul', { class: 'orders' }, items.map(orderCard)),
  });
  return page('Your orders', list.element);
}
