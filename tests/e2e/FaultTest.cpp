// Faults under traffic through the edge: a catalog replica killed mid-run, the whole catalog
// role stopped and started again, and an orders replica that hangs while a POST waits on it.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "Topology.h"

namespace agora::testing {
namespace {

using Clock = std::chrono::steady_clock;

/** Starts the stopped replicas of a role again when the test ends, however it ends. */
class RoleRestorer {
 public:
  explicit RoleRestorer(std::string role) : role_(std::move(role)) {}
  ~RoleRestorer() {
    try {
      Topology::get().runScript("start-role " + role_);
    } catch (const std::exception& error) {
      ADD_FAILURE() << "could not start " << role_ << " again: " << error.what();
    }
  }

 private:
  std::string role_;
};

/** Lets a stopped (SIGSTOP) process run again when the test ends. */
class ProcessResumer {
 public:
  explicit ProcessResumer(pid_t pid) : pid_(pid) {}
  ~ProcessResumer() { kill(pid_, SIGCONT); }

 private:
  pid_t pid_;
};

Reply placeOrder(const Account& customer, const std::string& product_id, int quantity) {
  Call call;
  call.method = "POST";
  call.path = "/api/orders";
  call.body = R"({"items":[{"product_id":")" + product_id + R"(","quantity":)" +
              std::to_string(quantity) + "}]}";
  call.bearer = customer.access_token;
  return Topology::get().edge(call);
}

std::size_t orderCount(const Account& customer) {
  Reply orders = Topology::get().edgeGet("/api/orders?limit=100", customer.access_token);
  EXPECT_EQ(orders.status, 200) << orders.body;
  return orders.json()->getArray("items")->size();
}

// Test that killing one catalog replica during 100 orders fails no order and reserves nothing
// twice.
TEST(Faults, CatalogReplicaKilledDuringOrders) {
  const Topology& topology = Topology::get();
  RoleRestorer restorer("catalog");
  Account admin = logIn(topology.adminEmail(), topology.adminPassword());
  const int64_t initial_stock = 100000;
  const std::string product_id = createProduct(admin.access_token, "E2E-KILL", 100, initial_stock);
  Account customer = registerCustomer("kill");

  constexpr int kOrders = 100;
  constexpr int kThreads = 4;
  std::atomic<int> next{0};
  std::atomic<int64_t> ordered{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  const pid_t victim = topology.pid("catalog-1");

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < kOrders; i = next++) {
        if (i == 30) kill(victim, SIGKILL);
        const int quantity = 1 + i % 3;
        Reply reply = placeOrder(customer, product_id, quantity);
        if (reply.status == 201) {
          ordered += quantity;
        } else {
          std::lock_guard lock(failures_mutex);
          failures.push_back(std::to_string(reply.status) + " " + reply.body);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
  EXPECT_EQ(orderCount(customer), static_cast<std::size_t>(kOrders));
  EXPECT_EQ(initial_stock - stockOf(product_id), ordered.load());
}

// Test that with the catalog down orders fail fast with 503, and succeed again once it is back,
// without a restart of orders.
TEST(Faults, CatalogDownThenBack) {
  const Topology& topology = Topology::get();
  RoleRestorer restorer("catalog");
  Account admin = logIn(topology.adminEmail(), topology.adminPassword());
  const std::string product_id = createProduct(admin.access_token, "E2E-DOWN", 100, 1000);
  Account customer = registerCustomer("down");
  ASSERT_EQ(placeOrder(customer, product_id, 1).status, 201);

  topology.runScript("stop-role catalog");
  for (int attempt = 0; attempt < 6; ++attempt) {
    const auto started = Clock::now();
    Reply reply = placeOrder(customer, product_id, 1);
    EXPECT_EQ(reply.status, 503) << reply.body;
    EXPECT_TRUE(reply.isProblem()) << reply.body;
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(3)) << "attempt " << attempt;
  }
  Reply catalog_read = topology.edgeGet("/api/catalog/products?limit=1");
  EXPECT_EQ(catalog_read.status, 503) << catalog_read.body;
  EXPECT_TRUE(catalog_read.isProblem()) << catalog_read.body;

  topology.runScript("start-role catalog");
  int status = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (status != 201 && Clock::now() < deadline) {
    status = placeOrder(customer, product_id, 2).status;
    if (status != 201) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(status, 201);
  EXPECT_EQ(orderCount(customer), 2u);
  EXPECT_EQ(stockOf(product_id), 1000 - 3);
}

// Test that nginx retries a GET on the other replica when one hangs, but never a POST: the POST
// that timed out is processed once, by the hanging replica, after it resumes.
TEST(Faults, OrdersPostIsNeverRetried) {
  const Topology& topology = Topology::get();
  Account admin = logIn(topology.adminEmail(), topology.adminPassword());
  const std::string product_id = createProduct(admin.access_token, "E2E-HANG", 100, 100);
  Account customer = registerCustomer("hang");
  const pid_t hanging = topology.pid("orders-1");
  ProcessResumer resumer(hanging);
  ASSERT_EQ(kill(hanging, SIGSTOP), 0);

  // Round robin sends one of two requests to the hanging replica.
  bool get_retried = false;
  for (int attempt = 0; attempt < 3 && !get_retried; ++attempt) {
    const auto started = Clock::now();
    Reply listed = topology.edgeGet("/api/orders", customer.access_token);
    EXPECT_EQ(listed.status, 200) << listed.body;
    get_retried = Clock::now() - started > std::chrono::seconds(5);
  }
  EXPECT_TRUE(get_retried) << "no GET reached the hanging replica";

  int posts = 0;
  int timed_out = 0;
  for (int attempt = 0; attempt < 3 && timed_out == 0; ++attempt) {
    Reply reply = placeOrder(customer, product_id, 1);
    ++posts;
    if (reply.status == 504) {
      ++timed_out;
      EXPECT_TRUE(reply.isProblem()) << reply.body;
    } else {
      EXPECT_EQ(reply.status, 201) << reply.body;
    }
  }
  ASSERT_EQ(timed_out, 1) << "no POST reached the hanging replica";

  kill(hanging, SIGCONT);
  // The resumed replica now handles the POST it had received; wait for its order.
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (orderCount(customer) < static_cast<std::size_t>(posts) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(orderCount(customer), static_cast<std::size_t>(posts));
  EXPECT_EQ(stockOf(product_id), 100 - posts);
}

}  // namespace
}  // namespace agora::testing
