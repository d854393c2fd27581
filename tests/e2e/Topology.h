// The running topology of the end-to-end tests (scripts/topology.sh start) and the calls the
// tests make: HTTPS through the nginx edge, plain HTTP straight to a role replica.
#pragma once

#include <Poco/JSON/Object.h>
#include <sys/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace agora::testing {

/** A request as a test builds it. */
struct Call {
  std::string method = "GET";
  std::string path;
  std::string body;
  std::string content_type = "application/json";
  std::string bearer;
  std::vector<std::pair<std::string, std::string>> headers;
};

/** A response with every header as sent, repeated ones included. */
struct Reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-cased names
  std::string body;

  /** The first value of `name` (lower case), or "". */
  std::string header(const std::string& name) const;
  /** How many times `name` (lower case) appears. */
  std::size_t count(const std::string& name) const;
  /** The body as a JSON object; fails the test when it is not one. */
  Poco::JSON::Object::Ptr json() const;
  /** True for an RFC 9457 body: problem content type, `status` equal to the status line. */
  bool isProblem() const;
};

/**
 * The topology that topology.env describes: read from AGORA_TOPOLOGY_ENV when set, else from
 * the file the build names. A missing file or key throws, so a test without its topology fails.
 */
class Topology {
 public:
  /** The topology of this test run. */
  static const Topology& get();

  /** The value of `name` in topology.env as it is now (pids change on restarts). */
  std::string value(const std::string& name) const;
  int port(const std::string& name) const { return std::stoi(value(name)); }
  /** The pid of replica `name`, e.g. "catalog-2". */
  pid_t pid(const std::string& replica) const;

  /**
   * Sends one request over HTTPS to the edge on a new connection, from `source_address` (another
   * loopback address such as 127.0.0.2, which nginx treats as another client) when given.
   */
  Reply edge(const Call& call, const std::string& source_address = {}) const;
  Reply edgeGet(const std::string& path, const std::string& bearer = {}) const;
  Reply edgePost(const std::string& path, const std::string& body,
                 const std::string& bearer = {}) const;
  /** Sends one plain-HTTP request straight to replica `name`'s API port, bypassing nginx. */
  Reply direct(const std::string& replica, const Call& call) const;

  /** Runs `topology.sh <arguments> <state dir>`; throws when it fails. */
  void runScript(const std::string& arguments) const;

  /** The demo admin's email and password. */
  std::string adminEmail() const { return value("ADMIN_EMAIL"); }
  std::string adminPassword() const;

 private:
  explicit Topology(std::string path) : path_(std::move(path)) {}
  std::map<std::string, std::string> read() const;

  std::string path_;
};

/** A logged-in account: what a test needs of a login response. */
struct Account {
  std::string email;
  std::string password;
  std::string user_id;
  std::string session_id;
  std::string access_token;
  std::string refresh_token;
};

/** Logs in through the edge; fails the test unless the status is 200. */
Account logIn(const std::string& email, const std::string& password);
/** Registers a customer with a fresh email through the edge and logs in. */
Account registerCustomer(const std::string& name);
/** Creates a product through the edge (SKU `sku` plus a unique suffix); returns its id. */
std::string createProduct(const std::string& admin_token, const std::string& sku,
                          int64_t price_cents, int64_t stock);
/** The stock of a product as the catalog reports it through the edge. */
int64_t stockOf(const std::string& product_id);

/** Serializes a JSON object. */
std::string toJson(const Poco::JSON::Object& object);

}  // namespace agora::testing
