// Tests of product management and search against a real SQLite catalog database.
#include <set>
#include <vector>

#include "CatalogTestSupport.h"
#include "modules/catalog/ProductService.h"

namespace agora::catalog::testing {
namespace {

class ProductServiceTest : public ::testing::Test {
 protected:
  ProductServiceTest()
      : database_(migratedDatabase(folder_, "catalog", CatalogModule::migrations())),
        service_(database_, "EUR", clock_.clock()) {}

  Product create(const std::string& sku, const std::string& name, int64_t stock = 5) {
    return service_.create(NewProduct{sku, name, "", 1000, stock});
  }

  std::vector<std::string> skusFound(const std::string& query) {
    std::vector<std::string> skus;
    for (const auto& product : service_.list(query, http::PageRequest{100, {}}).items) {
      skus.push_back(product.sku);
    }
    return skus;
  }

  TempFolder folder_;
  ManualClock clock_;
  std::shared_ptr<data::Database> database_;
  ProductService service_;
};

// Test that a created product reads back with every field.
TEST_F(ProductServiceTest, CreatedProductReadsBack) {
  const Product created = service_.create(NewProduct{"MUG-1", "Mug", "Blue", 1290, 7});
  const Product read = service_.get(created.id);

  EXPECT_EQ(read.sku, "MUG-1");
  EXPECT_EQ(read.name, "Mug");
  EXPECT_EQ(read.description, "Blue");
  EXPECT_EQ(read.price_cents, 1290);
  EXPECT_EQ(read.currency, "EUR");
  EXPECT_EQ(read.stock, 7);
  EXPECT_EQ(read.created_at, clock_.now());
}

// Test that a SKU differing only in case conflicts with a live product.
TEST_F(ProductServiceTest, DuplicateSkuIgnoringCaseConflicts) {
  create("MUG-1", "Mug");
  auto problem = problemOf([&] { create("mug-1", "Other mug"); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 409);
  EXPECT_EQ(problem->type(), "/problems/duplicate-sku");
}

// Test that deleting a product frees its SKU for a new one.
TEST_F(ProductServiceTest, DeletedSkuCanBeReused) {
  const Product old_mug = create("MUG-1", "Mug");
  service_.remove(old_mug.id);

  const Product new_mug = create("MUG-1", "New mug");
  EXPECT_NE(new_mug.id, old_mug.id);
}

// Test that an SKU with characters outside the allowed set is a validation error.
TEST_F(ProductServiceTest, InvalidSkuIsRejected) {
  auto problem = problemOf([&] { create("MUG 1", "Mug"); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 400);
  ASSERT_EQ(problem->errors().size(), 1u);
  EXPECT_EQ(problem->errors()[0].field, "sku");
}

// Test that a name of only spaces is a validation error.
TEST_F(ProductServiceTest, BlankNameIsRejected) {
  auto problem = problemOf([&] { create("MUG-1", "   "); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 400);
}

// Test that an update changes the given fields and keeps the others.
TEST_F(ProductServiceTest, UpdateChangesOnlyGivenFields) {
  const Product created = create("MUG-1", "Mug", 5);
  clock_.advance(10);
  ProductChanges changes;
  changes.price_cents = 1500;
  changes.stock = 9;
  service_.update(created.id, changes);

  const Product read = service_.get(created.id);
  EXPECT_EQ(read.price_cents, 1500);
  EXPECT_EQ(read.stock, 9);
  EXPECT_EQ(read.name, "Mug");
  EXPECT_EQ(read.updated_at, created.created_at + 10);
}

// Test that an update without any field is a validation error.
TEST_F(ProductServiceTest, EmptyUpdateIsRejected) {
  const Product created = create("MUG-1", "Mug");
  auto problem = problemOf([&] { service_.update(created.id, ProductChanges{}); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 400);
}

// Test that updating an unknown product is 404.
TEST_F(ProductServiceTest, UpdateUnknownIsNotFound) {
  ProductChanges changes;
  changes.stock = 1;
  auto problem = problemOf([&] { service_.update(security::newUuid(), changes); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 404);
}

// Test that a deleted product is gone from get and from listings.
TEST_F(ProductServiceTest, SoftDeleteHidesProduct) {
  const Product mug = create("MUG-1", "Mug");
  create("TEE-1", "Tee");
  service_.remove(mug.id);

  auto problem = problemOf([&] { service_.get(mug.id); });
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 404);
  EXPECT_EQ(skusFound(""), std::vector<std::string>{"TEE-1"});
}

// Test that deleting a product twice is 404 the second time.
TEST_F(ProductServiceTest, DeleteTwiceIsNotFound) {
  const Product mug = create("MUG-1", "Mug");
  service_.remove(mug.id);
  auto problem = problemOf([&] { service_.remove(mug.id); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 404);
}

// Test that search finds a name part in another case, including non-ASCII letters.
TEST_F(ProductServiceTest, SearchMatchesNameIgnoringCase) {
  create("A-1", "Blue Coffee Mug");
  create("A-2", "ÉCLAIR tin");
  create("A-3", "Tea pot");

  EXPECT_EQ(skusFound("coffee"), std::vector<std::string>{"A-1"});
  EXPECT_EQ(skusFound("éclair"), std::vector<std::string>{"A-2"});
}

// Test that search finds a SKU part in another case.
TEST_F(ProductServiceTest, SearchMatchesSkuIgnoringCase) {
  create("MUG-XL-7", "Big one");
  create("TEE-S-1", "Small one");

  EXPECT_EQ(skusFound("xl-7"), std::vector<std::string>{"MUG-XL-7"});
}

// Test that % and _ in a query match only themselves.
TEST_F(ProductServiceTest, PercentAndUnderscoreAreLiteral) {
  create("P-1", "100% cotton");
  create("P-2", "1000 cotton");
  create("A_B", "Plain");
  create("AXB", "Plain too");
  create("W-1", "Wow! Great");

  EXPECT_EQ(skusFound("100%"), std::vector<std::string>{"P-1"});
  EXPECT_EQ(skusFound("a_b"), std::vector<std::string>{"A_B"});
  EXPECT_EQ(skusFound("w!"), std::vector<std::string>{"W-1"});
}

// Test that a query over 200 characters is a validation error.
TEST_F(ProductServiceTest, LongQueryIsRejected) {
  auto problem = problemOf([&] { service_.list(std::string(201, 'a'), http::PageRequest{}); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 400);
}

// Test that paging while products are added shows each earlier product exactly once.
TEST_F(ProductServiceTest, PagesHaveNoGapsWhileInserting) {
  std::set<std::string> before;
  for (int i = 0; i < 25; ++i) {
    // Three products per second, so ties on created_at are broken by id.
    if (i % 3 == 0) clock_.advance(1);
    before.insert(create("OLD-" + std::to_string(i), "Old " + std::to_string(i)).id);
  }

  std::multiset<std::string> seen;
  http::PageRequest page{7, {}};
  int pages = 0;
  for (;;) {
    const ProductPage result = service_.list("", page);
    for (const auto& product : result.items) seen.insert(product.id);
    create("NEW-" + std::to_string(pages), "New " + std::to_string(pages));
    ++pages;
    if (!result.next_cursor) break;
    page.after = *http::decodeCursor(*result.next_cursor, 2);
    ASSERT_LT(pages, 20);
  }

  for (const auto& id : before) EXPECT_EQ(seen.count(id), 1u) << id;
  for (const auto& id : seen) EXPECT_EQ(seen.count(id), 1u) << id;
}

// Test that demo products are created only into an empty catalog.
TEST_F(ProductServiceTest, SeedOnlyIntoEmptyCatalog) {
  const std::vector<NewProduct> demo = {{"D-1", "One", "", 100, 1}, {"D-2", "Two", "", 200, 2}};

  EXPECT_EQ(service_.seed(demo), 2);
  EXPECT_EQ(service_.seed(demo), 0);
}

}  // namespace
}  // namespace agora::catalog::testing
