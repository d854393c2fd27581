// What the token, session, credential and access attack suites share: a private Redis, the two
// deployments (every role in one process, and each role in its own process), and token forging.
#pragma once

#include <Poco/JSON/Object.h>
#include <openssl/types.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "AgoraProcess.h"

namespace agora::testing::attacks {

constexpr const char* kTesterClient = "tester";
constexpr const char* kTesterSecret = "tester-client-secret-for-attacks";

/**
 * A redis-server with a password, on a free loopback port and with a private folder. It stops
 * when destroyed.
 */
class RedisServer {
 public:
  RedisServer();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  const std::string& password() const { return password_; }
  /** Runs redis-cli with `arguments` (words, no quoting) and returns what it printed. */
  std::string command(const std::string& arguments) const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string password_;
  std::string folder_;
};

/** The tokens and ids of one login. */
struct LoggedIn {
  std::string email;
  std::string password;
  std::string user_id;
  std::string session_id;
  std::string access_token;
  std::string refresh_token;
};

/** One protected request a token is tried on, and the status it gets when the token is good. */
struct Target {
  std::string name;
  const AgoraProcess* process = nullptr;
  HttpCall call;
  int accepted_status = 200;
  bool needs_admin = false;
};

/**
 * Where a token is tried: the built-in edge (`--role=all`) or the four roles in their own
 * processes, which share sessions through Redis. Logins and registrations go to the process that
 * serves them; targets cover every module.
 */
struct Side {
  std::string name;
  const AgoraProcess* auth = nullptr;   // login, refresh, logout, sessions
  const AgoraProcess* users = nullptr;  // registration, profiles, admin user changes
  std::string signing_key_file;
  std::vector<Target> targets;

  /** Logs in at `auth`, failing the test unless the login succeeds. */
  LoggedIn logIn(const std::string& email, const std::string& password) const;
  /** Registers a customer with a fresh email and logs in once. */
  LoggedIn newCustomer(const std::string& name) const;
  /** Logs in as the demo admin. */
  LoggedIn admin() const;
  /** Returns the targets a token may open: the admin ones only when `admin` is true. */
  std::vector<Target> targetsFor(bool admin) const;
};

/** The processes a Deployment starts and their extra arguments. */
struct DeploymentOptions {
  bool split = true;               // also start auth, users, catalog and orders alone
  bool edge_on_redis = false;      // the edge keeps sessions in Redis too (another prefix)
  std::vector<std::string> edge;   // extra arguments of the edge
  std::vector<std::string> roles;  // extra arguments of every role started alone
};

/** The processes of both sides; everything stops when it is destroyed. */
class Deployment {
 public:
  explicit Deployment(const DeploymentOptions& options = {});
  ~Deployment();

  std::unique_ptr<RedisServer> redis;
  std::unique_ptr<AgoraProcess> edge;
  std::unique_ptr<AgoraProcess> auth, users, catalog, orders;
  std::string edge_key_prefix;
  std::string roles_key_prefix;

  Side edgeSide() const;
  Side rolesSide() const;
  /** Both sides, the edge first (only the edge when started without split roles). */
  std::vector<Side> sides() const;
  /** Every process started, for liveness checks. */
  std::vector<const AgoraProcess*> processes() const;
};

// ---- Tokens -------------------------------------------------------------------------

std::string jsonText(const Poco::JSON::Object& object);
std::string base64Url(const std::string& bytes);

/** An RS256 signer over a PEM private key, for tokens the binary never issued. */
class TokenForge {
 public:
  /** Reads the PEM private key at `path`; throws when it cannot. */
  static TokenForge fromFile(const std::string& path);
  /** Reads an unencrypted PEM private key; throws when it is not one. */
  static TokenForge fromPem(const std::string& pem);
  /** A fresh 2048-bit key that no agora process trusts. */
  static TokenForge attacker();

  /** The kid agora derives for this key. */
  const std::string& keyId() const { return key_id_; }
  std::string publicPem() const { return public_pem_; }
  std::string publicDer() const;
  /** The public key as the JWK text that /api/auth/jwks.json publishes. */
  std::string publicJwk() const { return public_jwk_; }

  /** A compact JWS: base64url(header).base64url(payload).base64url(RS256 signature). */
  std::string sign(const Poco::JSON::Object& header, const Poco::JSON::Object& payload) const;
  /** The same for header and payload given as raw JSON text. */
  std::string signText(const std::string& header, const std::string& payload) const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
  std::string key_id_;
  std::string public_pem_;
  std::string public_jwk_;
};

/** {"alg":"RS256","typ":"JWT","kid":kid}. */
Poco::JSON::Object::Ptr rs256Header(const std::string& kid);
/** The claims agora issues for `who`, valid for five minutes from now. */
Poco::JSON::Object::Ptr claimsOf(const LoggedIn& who, const std::vector<std::string>& roles);
/** A token signed with HMAC-SHA256 keyed with `secret`, under `header`. */
std::string hmacToken(const Poco::JSON::Object& header, const Poco::JSON::Object& payload,
                      const std::string& secret);

// ---- Checks -------------------------------------------------------------------------

/** Sends `call` with `token` as bearer to the target and returns the status. */
HttpResult tryToken(const Target& target, const std::string& token);
/** Expects `token` to get 401 with `WWW-Authenticate: Bearer` on every target. */
void expectRejectedEverywhere(const std::vector<Target>& targets, const std::string& token,
                              const std::string& what);
/** Expects every process to return 200 on /healthz. */
void expectStillServing(const std::vector<const AgoraProcess*>& processes);

/** Milliseconds the callable takes. */
template <typename Call>
double millisecondsOf(Call&& call);
/** The median of `samples` (which it sorts). */
double median(std::vector<double> samples);

int64_t nowSeconds();

}  // namespace agora::testing::attacks

#include <chrono>

template <typename Call>
double agora::testing::attacks::millisecondsOf(Call&& call) {
  const auto started = std::chrono::steady_clock::now();
  call();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
      .count();
}
