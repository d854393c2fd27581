// Every route `agora routes` lists, tried with no token, the owner's, another customer's, an
// admin's and a service token, at the built-in edge and at each role alone. A route without an
// entry here fails the test, so a new route cannot ship without its access rules checked.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <set>
#include <sstream>

#include "attacks/AttackSupport.h"
#include "platform/security/Random.h"

namespace agora::testing::attacks {
namespace {

enum Column { kNone, kOwner, kOther, kAdmin, kService };
constexpr std::array<const char*, 5> kColumnNames = {"no token", "owner", "other customer", "admin",
                                                     "service"};

/** One line of `agora routes`: METHOD TEMPLATE ACCESS. */
struct RouteLine {
  std::string key;  // "METHOD TEMPLATE"
  std::string access;
};

/** Returns the routes `agora routes` prints for `arguments` (e.g. "--role=users"). */
std::vector<RouteLine> servedRoutes(const std::string& arguments) {
  const std::string folder =
      (std::filesystem::temp_directory_path() / ("agora-routes-" + security::randomToken(6)))
          .string();
  const std::string unused = "http://127.0.0.1:1";
  const std::string line =
      "AGORA_SERVICES_CLIENT__SECRET=unused '" + std::string(AGORA_BINARY) + "' routes " +
      arguments + " --data-dir '" + folder + "' --set services.auth.url=" + unused +
      " --set services.users.url=" + unused + " --set services.catalog.url=" + unused + " 2>&1";
  FILE* pipe = popen(line.c_str(), "r");
  std::string output;
  char buffer[512];
  while (pipe != nullptr && fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pipe != nullptr ? pclose(pipe) : -1;
  std::filesystem::remove_all(folder);
  EXPECT_EQ(status, 0) << output;

  std::vector<RouteLine> routes;
  std::istringstream lines(output);
  std::string method, path, access;
  while (lines >> method >> path >> access) routes.push_back({method + " " + path, access});
  return routes;
}

/** The callers of one side and the resources they own. */
struct Actors {
  Side side;
  std::map<std::string, const AgoraProcess*> role_process;  // "users" -> process serving it
  LoggedIn owner, other, admin;
  std::string service_token;
  std::string product_id;  // a product with plenty of stock
  std::string order_id;    // one of the owner's orders

  const LoggedIn& user(Column column) const {
    if (column == kOther) return other;
    if (column == kAdmin) return admin;
    return owner;
  }
  std::string token(Column column) const {
    if (column == kNone) return {};
    if (column == kService) return service_token;
    return user(column).access_token;
  }
  /** Sends `call` with `bearer` to the process of `role`, failing the test on a bad status. */
  HttpResult send(const std::string& role, HttpCall call, const std::string& bearer,
                  int expected) const {
    call.bearer = bearer;
    HttpResult result = role_process.at(role)->call(call);
    EXPECT_EQ(result.status, expected) << call.method << " " << call.path << ": " << result.body;
    return result;
  }
};

HttpCall request(std::string method, std::string path, std::string body = {}) {
  HttpCall call;
  call.method = std::move(method);
  call.path = std::move(path);
  call.body = std::move(body);
  return call;
}

std::string credentials(const LoggedIn& who) {
  return R"({"email":")" + who.email + R"(","password":")" + who.password + R"("})";
}

std::string orderBody(const Actors& actors) {
  return R"({"items":[{"product_id":")" + actors.product_id + R"(","quantity":1}]})";
}

std::string newProduct(const Actors& actors) {
  const std::string body = R"({"sku":"MATRIX-)" + security::randomToken(6) +
                           R"(","name":"Matrix probe","price_cents":100,"stock":1000})";
  return actors
      .send("catalog", request("POST", "/api/catalog/products", body), actors.admin.access_token,
            201)
      .json()
      ->getValue<std::string>("id");
}

std::string newOrder(const Actors& actors) {
  return actors
      .send("orders", request("POST", "/api/orders", orderBody(actors)), actors.owner.access_token,
            201)
      .json()
      ->getValue<std::string>("id");
}

/** Returns a token of a session that only this call uses, for the caller of `column`. */
std::string throwawaySession(const Actors& actors, Column column) {
  if (column == kNone || column == kService) return actors.token(column);
  const LoggedIn& who = actors.user(column);
  return actors.side.logIn(who.email, who.password).access_token;
}

/** Returns a token of a user that only this call uses, an admin when `column` is the admin's. */
std::string throwawayUser(const Actors& actors, Column column) {
  if (column == kNone || column == kService) return actors.token(column);
  LoggedIn user = actors.side.newCustomer("matrix-throwaway");
  if (column != kAdmin) return user.access_token;
  actors.send("users",
              request("PATCH", "/api/users/" + user.user_id, R"({"roles":["customer","admin"]})"),
              actors.admin.access_token, 200);
  return actors.side.logIn(user.email, user.password).access_token;
}

/** What one route gets per column, and how to build its request for a column. */
struct Entry {
  std::array<int, 5> expected;  // by Column
  std::function<std::pair<HttpCall, std::string>(const Actors&, Column)> make;
};

/** Makes an entry whose request is the same for every column, sent with the column's token. */
Entry same(std::array<int, 5> expected, std::function<HttpCall(const Actors&)> make) {
  return {expected, [make](const Actors& actors, Column column) {
            return std::make_pair(make(actors), actors.token(column));
          }};
}

std::map<std::string, Entry> matrix() {
  const std::string wrong_password =
      R"({"current_password":"not the password at all","new_password":"another long passphrase 9"})";
  return {
      {"POST /api/users", same({201, 201, 201, 201, 201},
                               [](const Actors&) {
                                 return request("POST", "/api/users",
                                                R"({"email":"matrix-)" + security::randomToken(6) +
                                                    R"(@example.test","password":"a long enough )"
                                                    R"(passphrase","display_name":"M"})");
                               })},
      {"GET /api/users/me", same({401, 200, 200, 200, 403},
                                 [](const Actors&) { return request("GET", "/api/users/me"); })},
      {"PATCH /api/users/me", same({401, 200, 200, 200, 403},
                                   [](const Actors&) {
                                     return request("PATCH", "/api/users/me",
                                                    R"({"display_name":"Matrix"})");
                                   })},
      {"POST /api/users/me/password", same({401, 403, 403, 403, 403},
                                           [=](const Actors&) {
                                             return request("POST", "/api/users/me/password",
                                                            wrong_password);
                                           })},
      {"GET /api/users",
       same({401, 403, 403, 200, 403}, [](const Actors&) { return request("GET", "/api/users"); })},
      {"GET /api/users/{id}",
       same({401, 403, 403, 200, 403},
            [](const Actors& a) { return request("GET", "/api/users/" + a.owner.user_id); })},
      {"PATCH /api/users/{id}", same({401, 403, 403, 200, 403},
                                     [](const Actors& a) {
                                       return request("PATCH", "/api/users/" + a.owner.user_id,
                                                      R"({"disabled":false})");
                                     })},
      {"POST /internal/users/authenticate",
       same({401, 401, 401, 401, 200},
            [](const Actors& a) {
              return request("POST", "/internal/users/authenticate", credentials(a.owner));
            })},
      {"GET /internal/users/{id}",
       same({401, 401, 401, 401, 200},
            [](const Actors& a) { return request("GET", "/internal/users/" + a.owner.user_id); })},
      {"POST /api/auth/login", same({200, 200, 200, 200, 200},
                                    [](const Actors& a) {
                                      return request("POST", "/api/auth/login",
                                                     credentials(a.owner));
                                    })},
      {"POST /api/auth/refresh",
       same({200, 200, 200, 200, 200},
            [](const Actors& a) {
              const LoggedIn fresh = a.side.logIn(a.owner.email, a.owner.password);
              return request("POST", "/api/auth/refresh",
                             R"({"refresh_token":")" + fresh.refresh_token + R"("})");
            })},
      {"POST /api/auth/logout",
       {{401, 204, 204, 204, 403},
        [](const Actors& a, Column column) {
          return std::make_pair(request("POST", "/api/auth/logout"), throwawaySession(a, column));
        }}},
      {"POST /api/auth/logout-all",
       {{401, 204, 204, 204, 403},
        [](const Actors& a, Column column) {
          return std::make_pair(request("POST", "/api/auth/logout-all"), throwawayUser(a, column));
        }}},
      {"GET /api/auth/sessions",
       same({401, 200, 200, 200, 403},
            [](const Actors&) { return request("GET", "/api/auth/sessions"); })},
      // The owner ends a session of their own. Other callers get 404, which reveals nothing.
      {"DELETE /api/auth/sessions/{id}",
       same({401, 204, 404, 404, 403},
            [](const Actors& a) {
              const LoggedIn fresh = a.side.logIn(a.owner.email, a.owner.password);
              return request("DELETE", "/api/auth/sessions/" + fresh.session_id);
            })},
      {"GET /api/auth/jwks.json",
       same({200, 200, 200, 200, 200},
            [](const Actors&) { return request("GET", "/api/auth/jwks.json"); })},
      {"GET /internal/auth/verify",
       same({401, 204, 204, 204, 401},
            [](const Actors&) { return request("GET", "/internal/auth/verify"); })},
      {"POST /internal/auth/service-token",
       same({200, 200, 200, 200, 200},
            [](const Actors&) {
              return request("POST", "/internal/auth/service-token",
                             std::string(R"({"client_id":")") + kTesterClient +
                                 R"(","client_secret":")" + kTesterSecret + R"("})");
            })},
      {"POST /internal/auth/users/{id}/sessions/revoke",
       same({401, 401, 401, 401, 200},
            [](const Actors& a) {
              const LoggedIn user = a.side.newCustomer("matrix-revoked");
              return request("POST", "/internal/auth/users/" + user.user_id + "/sessions/revoke",
                             "{}");
            })},
      {"GET /api/catalog/products",
       same({200, 200, 200, 200, 200},
            [](const Actors&) { return request("GET", "/api/catalog/products"); })},
      {"GET /api/catalog/products/{id}", same({200, 200, 200, 200, 200},
                                              [](const Actors& a) {
                                                return request(
                                                    "GET", "/api/catalog/products/" + a.product_id);
                                              })},
      {"POST /api/catalog/products",
       same({401, 403, 403, 201, 403},
            [](const Actors&) {
              return request("POST", "/api/catalog/products",
                             R"({"sku":"MATRIX-)" + security::randomToken(6) +
                                 R"(","name":"Matrix","price_cents":1,"stock":1})");
            })},
      {"PATCH /api/catalog/products/{id}",
       same({401, 403, 403, 200, 403},
            [](const Actors& a) {
              return request("PATCH", "/api/catalog/products/" + a.product_id,
                             R"({"name":"Matrix probe"})");
            })},
      {"DELETE /api/catalog/products/{id}",
       same({401, 403, 403, 204, 403},
            [](const Actors& a) {
              return request("DELETE", "/api/catalog/products/" + newProduct(a));
            })},
      {"POST /internal/catalog/reservations", same({401, 401, 401, 401, 200},
                                                   [](const Actors& a) {
                                                     return request(
                                                         "POST", "/internal/catalog/reservations",
                                                         R"({"order_id":")" + security::newUuid() +
                                                             R"(","items":[{"product_id":")" +
                                                             a.product_id + R"(","quantity":1}]})");
                                                   })},
      {"DELETE /internal/catalog/reservations/{order_id}",
       same({401, 401, 401, 401, 204},
            [](const Actors&) {
              return request("DELETE", "/internal/catalog/reservations/" + security::newUuid());
            })},
      {"POST /api/orders",
       same({401, 201, 201, 201, 403},
            [](const Actors& a) { return request("POST", "/api/orders", orderBody(a)); })},
      {"GET /api/orders", same({401, 200, 200, 200, 403},
                               [](const Actors&) { return request("GET", "/api/orders"); })},
      {"GET /api/orders/{id}",
       same({401, 200, 404, 200, 403},
            [](const Actors& a) { return request("GET", "/api/orders/" + a.order_id); })},
      {"POST /api/orders/{id}/cancel", same({401, 200, 404, 200, 403},
                                            [](const Actors& a) {
                                              return request(
                                                  "POST", "/api/orders/" + newOrder(a) + "/cancel");
                                            })},
      {"GET /api/openapi.json",
       same({200, 200, 200, 200, 200},
            [](const Actors&) { return request("GET", "/api/openapi.json"); })},
  };
}

/** Sets up the callers and resources of `side` and its role processes. */
Actors actorsOf(const Side& side, std::map<std::string, const AgoraProcess*> role_process) {
  Actors actors;
  actors.side = side;
  actors.role_process = std::move(role_process);
  actors.owner = side.newCustomer("matrix-owner");
  actors.other = side.newCustomer("matrix-other");
  actors.admin = side.admin();
  actors.service_token = actors
                             .send("auth",
                                   request("POST", "/internal/auth/service-token",
                                           std::string(R"({"client_id":")") + kTesterClient +
                                               R"(","client_secret":")" + kTesterSecret + R"("})"),
                                   "", 200)
                             .json()
                             ->getValue<std::string>("access_token");
  actors.product_id = newProduct(actors);
  actors.order_id = newOrder(actors);
  return actors;
}

/** Runs every entry for the routes one process serves, and records which entries ran. */
void runRoutes(const Actors& actors, const AgoraProcess& process,
               const std::vector<RouteLine>& routes, std::set<std::string>& covered) {
  const auto entries = matrix();
  ASSERT_FALSE(routes.empty());
  for (const auto& route : routes) {
    auto found = entries.find(route.key);
    if (found == entries.end()) {
      ADD_FAILURE() << "route " << route.key << " (" << route.access
                    << ") has no entry in the authorization matrix: add its expected statuses";
      continue;
    }
    covered.insert(route.key);
    const Entry& entry = found->second;
    // The access the router reports must agree with the expectations.
    if (route.access != "public") EXPECT_EQ(entry.expected[kNone], 401) << route.key;
    if (route.access == "admin") EXPECT_EQ(entry.expected[kOwner], 403) << route.key;
    if (route.access == "service") EXPECT_EQ(entry.expected[kAdmin], 401) << route.key;

    for (Column column : {kNone, kOwner, kOther, kAdmin, kService}) {
      auto [call, bearer] = entry.make(actors, column);
      call.bearer = bearer;
      HttpResult result = process.call(call);
      EXPECT_EQ(result.status, entry.expected[column])
          << actors.side.name << ": " << route.key << " with " << kColumnNames[column] << " ("
          << call.method << " " << call.path << "): " << result.body;
      if (result.status == 401) {
        EXPECT_EQ(result.header("www-authenticate").rfind("Bearer", 0), 0u) << route.key;
      }
    }
  }
}

void expectAllEntriesCovered(const std::set<std::string>& covered) {
  for (const auto& [key, entry] : matrix()) {
    EXPECT_TRUE(covered.count(key)) << "matrix entry " << key << " matches no served route";
  }
}

// Test every route of the built-in edge with every kind of caller.
TEST(AuthorizationMatrix, EveryRouteAtTheEdge) {
  Deployment deployment({.split = false});
  const Side side = deployment.edgeSide();
  const AgoraProcess* edge = deployment.edge.get();
  Actors actors =
      actorsOf(side, {{"auth", edge}, {"users", edge}, {"catalog", edge}, {"orders", edge}});
  std::set<std::string> covered;
  runRoutes(actors, *edge, servedRoutes("--role=all"), covered);
  expectAllEntriesCovered(covered);
  expectStillServing(deployment.processes());
}

// Test every route of each role in its own process, called directly without an edge in front.
TEST(AuthorizationMatrix, EveryRouteAtEachRole) {
  Deployment deployment;
  const std::map<std::string, const AgoraProcess*> processes = {
      {"auth", deployment.auth.get()},
      {"users", deployment.users.get()},
      {"catalog", deployment.catalog.get()},
      {"orders", deployment.orders.get()}};
  Actors actors = actorsOf(deployment.rolesSide(), processes);
  std::set<std::string> covered;
  for (const auto& [role, process] : processes) {
    runRoutes(actors, *process, servedRoutes("--role=" + role), covered);
  }
  expectAllEntriesCovered(covered);
  expectStillServing(deployment.processes());
}

}  // namespace
}  // namespace agora::testing::attacks
