// A shopper's and an admin's journeys through the storefront in headless Chromium.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient, startShop, uniqueEmail } from './support/agora.js';
import {
  goTo, launchBrowser, logIn, openShop, screenshot, screenshotDir,
} from './support/browser.js';

const password = 'a long shopper password 1';
let shop;
let browser;
let api;

/** Registers through the storefront's form; the app logs in afterwards. */
async function register(page, email, name) {
  await page.getByRole('link', { name: 'Register' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('link', { name: 'Account', exact: true }).waitFor();
}

async function search(page, text) {
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search products' }).fill(text);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { level: 1, name: `Products matching “${text}”` }).waitFor();
}

async function productBySku(sku) {
  const response = await api.call('GET', `/api/catalog/products?q=${sku}&limit=1`);
  assert.equal(response.status, 200);
  assert.equal(response.json.items.length, 1, `product ${sku} is in the catalog`);
  return response.json.items[0];
}

/** Puts a product's fields back, so a shared shop (the topology) keeps its demo data. */
async function restoreProduct(product, fields) {
  const token = await api.login(shop.adminEmail, shop.adminPassword);
  const response = await api.call('PATCH', `/api/catalog/products/${product.id}`,
    { token, body: fields });
  assert.equal(response.status, 200);
}

before(async () => {
  shop = await startShop();
  browser = await launchBrowser();
  api = await apiClient(shop.baseUrl);
  console.log(`screenshots: ${screenshotDir}`);
});

after(async () => {
  await api?.dispose();
  await browser?.close();
  await shop?.stop();
});

test('page is served with the strict policy', async () => {
  const response = await api.call('GET', '/');
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-security-policy'],
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  assert.equal(response.headers['cache-control'], 'no-cache');
});

test('shopper registers, orders two products and cancels', async () => {
  const { context, page, problems } = await openShop(browser, shop.baseUrl);
  const email = uniqueEmail('shopper');
  await register(page, email, 'Shopper One');
  await screenshot(page, 'catalog');

  await search(page, 'mug');
  await page.getByRole('button', { name: 'Add Agora coffee mug to the cart' }).click();
  await page.getByText('Added Agora coffee mug to the cart.').waitFor();

  await search(page, 'notebook');
  await page.getByRole('link', { name: 'Dotted notebook' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dotted notebook' }).waitFor();
  await page.getByLabel('Quantity').fill('2');
  await screenshot(page, 'product');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('Added 2 × Dotted notebook to the cart.').waitFor();

  await page.getByRole('link', { name: 'Cart (3)' }).click();
  await page.getByRole('heading', { level: 1, name: 'Cart' }).waitFor();
  await page.getByText('€41.90').waitFor();  // 12.90 + 2 × 14.50
  await screenshot(page, 'cart');
  await page.getByRole('button', { name: 'Place order' }).click();

  await page.getByRole('heading', { level: 1, name: 'Your orders' }).waitFor();
  await page.getByText('Order placed: €41.90. Thank you!').waitFor();
  const order = page.locator('li.order').first();
  await order.getByText('1 × Agora coffee mug').waitFor();
  await order.getByText('2 × Dotted notebook').waitFor();
  await screenshot(page, 'orders');
  assert.equal(await page.getByRole('link', { name: /^Cart/ }).textContent(), 'Cart');

  await order.getByRole('button', { name: 'Cancel order' }).click();
  await order.getByText('Cancelled').waitFor();
  assert.equal(await order.getByRole('button', { name: 'Cancel order' }).count(), 0);

  const stored = await page.evaluate(() => ({
    local: Object.keys(localStorage),
    session: sessionStorage.length,
    cookies: document.cookie,
  }));
  assert.deepEqual(stored, { local: ['agora.cart'], session: 0, cookies: '' });
  assert.deepEqual(problems, []);
  await context.close();
});

test('catalog pages forward and back', async () => {
  const { context, page } = await openShop(browser, shop.baseUrl);
  const first = await page.locator('.product-card h2').first().textContent();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Page 2').waitFor();
  assert.notEqual(await page.locator('.product-card h2').first().textContent(), first);
  await page.getByRole('button', { name: 'Previous' }).click();
  await page.getByText('Page 1').waitFor();
  assert.equal(await page.locator('.product-card h2').first().textContent(), first);
  assert.equal(await page.getByRole('button', { name: 'Previous' }).isDisabled(), true);
  await context.close();
});

test('admin changes a price and the shopper sees it', async (t) => {
  const pen = await productBySku('AG-PEN-004');
  t.after(() => restoreProduct(pen, { price_cents: pen.price_cents }));
  const admin = await openShop(browser, shop.baseUrl);
  await logIn(admin.page, shop.adminEmail, shop.adminPassword);
  await admin.page.getByRole('link', { name: 'Manage products' }).click();
  await admin.page.getByRole('searchbox', { name: 'Search products' }).fill('AG-PEN-004');
  await admin.page.getByRole('button', { name: 'Search' }).click();
  const price = admin.page.getByLabel('Price of Fountain pen (EUR)');
  await price.fill('45.50');
  await admin.page.getByRole('button', { name: 'Save Fountain pen' }).click();
  await admin.page.getByText('Saved Fountain pen: 45.50 EUR').waitFor();

  const shopper = await openShop(browser, shop.baseUrl);
  await goTo(shopper.page, `/#/products/${pen.id}`);
  await shopper.page.getByRole('heading', { level: 1, name: 'Fountain pen' }).waitFor();
  await shopper.page.getByText('€45.50').waitFor();
  assert.equal((await productBySku('AG-PEN-004')).price_cents, 4550);

  await admin.page.getByRole('searchbox', { name: 'Search products' }).fill('');
  await admin.page.getByRole('button', { name: 'Search' }).click();
  await admin.page.getByRole('heading', { level: 1, name: 'Manage products' }).waitFor();
  await admin.page.locator('.admin-table tbody tr').first().waitFor();
  await screenshot(admin.page, 'admin-products');

  await admin.page.getByRole('link', { name: 'Manage users' }).click();
  await admin.page.getByRole('heading', { level: 1, name: 'Manage users' }).waitFor();
  await admin.page.locator('.admin-table tbody tr').first().waitFor();
  await screenshot(admin.page, 'admin-users');
  assert.deepEqual(admin.problems, []);
  assert.deepEqual(shopper.problems, []);
  await admin.context.close();
  await shopper.context.close();
});

test('out of stock names the product', async (t) => {
  const towel = await productBySku('AG-TOW-017');
  t.after(() => restoreProduct(towel, { stock: towel.stock }));
  const token = await api.login(shop.adminEmail, shop.adminPassword);
  const change = await api.call('PATCH', `/api/catalog/products/${towel.id}`,
    { token, body: { stock: 1 } });
  assert.equal(change.status, 200);

  const { context, page } = await openShop(browser, shop.baseUrl);
  await register(page, uniqueEmail('short'), 'Short Stock');
  await goTo(page, `/#/products/${towel.id}`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('link', { name: 'Cart (2)' }).click();
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByText(/Not enough stock of Tea towel\. .*Nothing was ordered\./).waitFor();
  assert.equal((await productBySku('AG-TOW-017')).stock, 1);
  await context.close();
});

test('user admin filters by email and grants admin', async () => {
  const email = uniqueEmail('promoted');
  const created = await api.call('POST', '/api/users',
    { body: { email, password, display_name: 'Promoted' } });
  assert.equal(created.status, 201);

  const { context, page } = await openShop(browser, shop.baseUrl);
  await logIn(page, shop.adminEmail, shop.adminPassword);
  await page.getByRole('link', { name: 'Manage users' }).click();
  await page.getByRole('searchbox', { name: 'Email starts with' }).fill(email.slice(0, 20));
  await page.getByRole('button', { name: 'Filter' }).click();
  // The unfiltered list may already show the account, so wait until the filtered list replaced it.
  const rows = page.locator('.admin-table tbody tr');
  for (let waited = 0; waited < 10000 && (await rows.count()) !== 1; waited += 100) {
    await page.waitForTimeout(100);
  }
  assert.equal(await rows.count(), 1);
  assert.ok((await rows.first().textContent()).includes(email), 'the row is the account');
  await page.getByLabel(`${email} is an admin`).check();
  await page.getByRole('button', { name: `Save ${email}` }).click();
  await page.getByText(`Saved ${email}: customer, admin; active.`).waitFor();

  const token = await api.login(shop.adminEmail, shop.adminPassword);
  const user = await api.call('GET', `/api/users/${created.json.id}`, { token });
  assert.deepEqual(user.json.roles, ['customer', 'admin']);
  await context.close();
});

test('phone-sized catalog reads in one column', async () => {
  const { context, page } = await openShop(browser, shop.baseUrl,
    { viewport: { width: 390, height: 844 } });
  await page.locator('.product-card').first().waitFor();
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    card: document.querySelector('.product-card').getBoundingClientRect().width,
  }));
  assert.ok(widths.page <= 390, `no horizontal scrolling (page is ${widths.page}px wide)`);
  assert.ok(widths.card > 300, `a card takes the whole width (${widths.card}px)`);
  await screenshot(page, 'catalog-phone');
  await context.close();
});
