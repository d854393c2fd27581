// Sessions in the storefront: restoring on reload, signing out other browsers, and a
// double-clicked checkout that must order once.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient, loopbackUrl, startShop, uniqueEmail } from './support/agora.js';
import { goTo, launchBrowser, logIn, openShop, screenshot } from './support/browser.js';

const password = 'a long shopper password 2';
let shop;
let browser;
let api;

/** Creates an account through the API; returns {email, id}. */
async function createShopper(name) {
  const email = uniqueEmail(name);
  const response = await api.call('POST', '/api/users',
    { body: { email, password, display_name: name } });
  assert.equal(response.status, 201);
  return { email, id: response.json.id };
}

before(async () => {
  shop = await startShop();
  browser = await launchBrowser();
  api = await apiClient(shop.baseUrl);
});

after(async () => {
  await api?.dispose();
  await browser?.close();
  await shop?.stop();
});

test('reload keeps the session through the cookie', async () => {
  const shopper = await createShopper('reloader');
  const { context, page } = await openShop(browser, shop.baseUrl);
  await logIn(page, shopper.email, password);
  await goTo(page, '/#/orders');
  await page.getByRole('heading', { level: 1, name: 'Your orders' }).waitFor();
  await page.getByText('You have no orders yet.').waitFor();

  const cookies = await context.cookies();
  const refresh = cookies.find((cookie) => cookie.name === 'agora_refresh');
  assert.ok(refresh, 'the refresh cookie is set');
  assert.equal(refresh.httpOnly, true);
  assert.equal(refresh.path, '/api/auth');
  await context.close();
});

test('sign out everywhere ends the other browser', async () => {
  const shopper = await createShopper('everywhere');
  const first = await openShop(browser, shop.baseUrl);
  const second = await openShop(browser, shop.baseUrl);
  const third = await openShop(browser, shop.baseUrl);
  await logIn(first.page, shopper.email, password);
  await logIn(second.page, shopper.email, password);
  await logIn(third.page, shopper.email, password);

  await first.page.getByRole('link', { name: 'Account', exact: true }).click();
  const sessions = first.page.getByRole('list', { name: 'Active sessions' });
  await sessions.getByRole('listitem').nth(2).waitFor();
  assert.equal(await sessions.getByRole('listitem').count(), 3);
  await screenshot(first.page, 'sessions');

  await first.page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await first.page.getByText('You are signed out on every device.').waitFor();
  await first.page.getByRole('link', { name: 'Log in' }).waitFor();

  // The second browser reloads: the refresh cookie no longer restores a session.
  await goTo(second.page, '/#/orders');
  await second.page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  await second.page.getByRole('link', { name: 'Register' }).waitFor();

  // The third browser's next API call fails, and so does the refresh after it. Revocation
  // reaches every check within one second (the session check cache), so this waits that long.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await third.page.getByRole('link', { name: 'Orders' }).click();
  await third.page.getByText('Your session has ended. Please log in again.').waitFor();
  await third.page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();

  for (const browserContext of [first, second, third]) await browserContext.context.close();
});

test('sign out this device ends only that session', async () => {
  const shopper = await createShopper('onedevice');
  const first = await openShop(browser, shop.baseUrl);
  const second = await openShop(browser, shop.baseUrl);
  await logIn(first.page, shopper.email, password);
  await logIn(second.page, shopper.email, password);

  await first.page.getByRole('link', { name: 'Account', exact: true }).click();
  const other = first.page.getByRole('list', { name: 'Active sessions' })
    .getByRole('listitem').filter({ hasNotText: /This device/ });
  await other.getByRole('button', { name: 'Sign out this device' }).click();
  await first.page.getByText('That device is signed out.').waitFor();
  assert.equal(await first.page.getByRole('list', { name: 'Active sessions' })
    .getByRole('listitem').count(), 1);

  await goTo(second.page, '/#/account');
  await second.page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  await goTo(first.page, '/#/account');
  await first.page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
  await first.context.close();
  await second.context.close();
});

test('password change signs out the other browser', async () => {
  const shopper = await createShopper('newpassword');
  const first = await openShop(browser, shop.baseUrl);
  const second = await openShop(browser, shop.baseUrl);
  await logIn(first.page, shopper.email, password);
  await logIn(second.page, shopper.email, password);

  await first.page.getByRole('link', { name: 'Account', exact: true }).click();
  await first.page.getByLabel('Current password').fill('not the password at all');
  await first.page.getByLabel('New password', { exact: true }).fill('a brand new passphrase 3');
  await first.page.getByLabel('Repeat the new password').fill('a brand new passphrase 3');
  await first.page.getByRole('button', { name: 'Change password' }).click();
  await first.page.locator('.message-error').filter({ hasText: 'Wrong password' }).waitFor();

  await first.page.getByLabel('Current password').fill(password);
  await first.page.getByRole('button', { name: 'Change password' }).click();
  await first.page.getByText('Your password is changed').waitFor();
  assert.equal(await first.page.getByRole('list', { name: 'Active sessions' })
    .getByRole('listitem').count(), 1);

  await goTo(second.page, '/#/account');
  await second.page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  assert.equal(typeof await api.login(shopper.email, 'a brand new passphrase 3'), 'string');
  await first.context.close();
  await second.context.close();
});

test('double-clicked checkout orders once', async () => {
  const shopper = await createShopper('doubleclick');
  const before = (await api.call('GET', '/api/catalog/products?q=AG-CAP-007')).json.items[0];

  const { context, page } = await openShop(browser, shop.baseUrl);
  await logIn(page, shopper.email, password);
  await goTo(page, `/#/products/${before.id}`);
  await page.getByLabel('Quantity').fill('3');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('link', { name: 'Cart (3)' }).click();
  await page.getByRole('button', { name: 'Place order' }).dblclick();
  await page.getByRole('heading', { level: 1, name: 'Your orders' }).waitFor();

  const token = await api.login(shopper.email, password);
  const orders = await api.call('GET', '/api/orders', { token });
  assert.equal(orders.json.items.length, 1);
  assert.equal(orders.json.items[0].items[0].quantity, 3);
  const afterOrder = (await api.call('GET', `/api/catalog/products/${before.id}`)).json;
  assert.equal(afterOrder.stock, before.stock - 3);

  // Put the stock back for a shared shop.
  const cancelled = await api.call('POST', `/api/orders/${orders.json.items[0].id}/cancel`,
    { token });
  assert.equal(cancelled.status, 200);
  await context.close();
});

test('checkout retry after a lost answer reuses the key', async () => {
  const shopper = await createShopper('retry');
  const product = (await api.call('GET', '/api/catalog/products?q=AG-KEY-013')).json.items[0];
  const { context, page } = await openShop(browser, shop.baseUrl);
  await logIn(page, shopper.email, password);
  await goTo(page, `/#/products/${product.id}`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('link', { name: 'Cart (1)' }).click();

  // The first attempt reaches the server, but its response is lost on the way back.
  const keys = [];
  let dropped = false;
  await page.route('**/api/orders', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key']);
    if (dropped) return route.continue();
    dropped = true;
    await route.fetch({ url: loopbackUrl(route.request().url()) });
    return route.abort('connectionreset');
  });
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByText('You can place the order again safely').waitFor();
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByRole('heading', { level: 1, name: 'Your orders' }).waitFor();

  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1]);
  assert.match(keys[0], /^[0-9a-f-]{36}$/);
  const token = await api.login(shopper.email, password);
  const orders = await api.call('GET', '/api/orders', { token });
  assert.equal(orders.json.items.length, 1);
  await api.call('POST', `/api/orders/${orders.json.items[0].id}/cancel`, { token });
  await context.close();
});
