// What the token, session, credential and access attack suites share: a private Redis, the two
// deployments, token forging with OpenSSL, and the checks they repeat.
#include "attacks/AttackSupport.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "platform/security/Digest.h"
#include "platform/security/Jwt.h"
#include "platform/security/Random.h"

namespace agora::testing::attacks {
namespace {

using std::chrono::milliseconds;

constexpr const char* kOrdersSecret = "orders-client-secret-for-attacks";
constexpr const char* kUsersSecret = "users-client-secret-for-attacks";

int freePort() {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  int port = probe.address().port();
  probe.close();
  return port;
}

std::string sessionKeys() {
  std::ostringstream encoded;
  Poco::Base64Encoder encoder(encoded);
  encoder << security::randomBytes(32);
  encoder.close();
  return "k1:" + encoded.str();
}

std::string serviceClients() {
  return std::string("orders:") + kOrdersSecret + ",users:" + kUsersSecret + "," + kTesterClient +
         ":" + kTesterSecret;
}

std::string readFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::shared_ptr<EVP_PKEY> privateKeyFrom(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) throw std::runtime_error("not a PEM private key");
  return std::shared_ptr<EVP_PKEY>(key, &EVP_PKEY_free);
}

}  // namespace

// ---- RedisServer ----------------------------------------------------------------------

RedisServer::RedisServer() {
  folder_ =
      (std::filesystem::temp_directory_path() / ("agora-attack-redis-" + security::randomToken(6)))
          .string();
  std::filesystem::create_directories(folder_);
  password_ = security::randomToken(18);

  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = freePort();
    const std::string port = std::to_string(port_);
    const std::string log_file = folder_ + "/redis.log";
    pid_ = fork();
    if (pid_ == 0) {
      execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", folder_.c_str(), "--requirepass",
             password_.c_str(), "--logfile", log_file.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int check = 0; check < 100; ++check) {
      if (command("PING").find("PONG") != std::string::npos) return;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) break;  // exited: the port was taken
      std::this_thread::sleep_for(milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
  throw std::runtime_error("redis-server did not start; see " + folder_ + "/redis.log");
}

RedisServer::~RedisServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

std::string RedisServer::command(const std::string& arguments) const {
  const std::string line = "REDISCLI_AUTH='" + password_ + "' redis-cli -p " +
                           std::to_string(port_) + " " + arguments + " 2>&1";
  FILE* pipe = popen(line.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  pclose(pipe);
  return output;
}

// ---- Side -----------------------------------------------------------------------------

LoggedIn Side::logIn(const std::string& email, const std::string& password) const {
  Poco::JSON::Object credentials;
  credentials.set("email", email);
  credentials.set("password", password);
  HttpResult result = auth->post("/api/auth/login", jsonText(credentials));
  EXPECT_EQ(result.status, 200) << name << " login of " << email << ": " << result.body;
  LoggedIn who;
  who.email = email;
  who.password = password;
  if (result.status != 200) return who;
  auto body = result.json();
  who.user_id = body->getObject("user")->getValue<std::string>("id");
  who.session_id = body->getValue<std::string>("session_id");
  who.access_token = body->getValue<std::string>("access_token");
  who.refresh_token = body->getValue<std::string>("refresh_token");
  return who;
}

LoggedIn Side::newCustomer(const std::string& who) const {
  const std::string email = who + "-" + security::randomToken(6) + "@example.test";
  const std::string password = "a long enough passphrase for " + who;
  Poco::JSON::Object registration;
  registration.set("email", email);
  registration.set("password", password);
  registration.set("display_name", who);
  HttpResult registered = users->post("/api/users", jsonText(registration));
  EXPECT_EQ(registered.status, 201) << name << " registration: " << registered.body;
  return logIn(email, password);
}

LoggedIn Side::admin() const {
  return logIn(AgoraProcess::kAdminEmail, AgoraProcess::kAdminPassword);
}

std::vector<Target> Side::targetsFor(bool admin) const {
  std::vector<Target> chosen;
  for (const auto& target : targets) {
    if (admin || !target.needs_admin) chosen.push_back(target);
  }
  return chosen;
}

// ---- Deployment -----------------------------------------------------------------------

namespace {

Target target(std::string name, const AgoraProcess* process, std::string method, std::string path,
              int accepted_status, bool needs_admin = false) {
  Target result;
  result.name = std::move(name);
  result.process = process;
  result.call.method = std::move(method);
  result.call.path = std::move(path);
  result.accepted_status = accepted_status;
  result.needs_admin = needs_admin;
  return result;
}

}  // namespace

Deployment::Deployment(const DeploymentOptions& options) {
  std::map<std::string, std::string> environment = {
      {"AGORA_AUTH_SERVICE__CLIENTS", serviceClients()}};
  if (options.split || options.edge_on_redis) {
    redis = std::make_unique<RedisServer>();
    environment["AGORA_REDIS_PASSWORD"] = redis->password();
    environment["AGORA_SESSION_KEYS"] = sessionKeys();
  }
  const std::vector<std::string> on_redis = {
      "--set", "session.store=redis", "--set",
      "redis.port=" + std::to_string(redis ? redis->port() : 0)};

  std::vector<std::string> edge_arguments = options.edge;
  if (options.edge_on_redis) {
    edge_key_prefix = "edge-" + security::randomToken(6) + ":";
    edge_arguments.insert(edge_arguments.end(), on_redis.begin(), on_redis.end());
    edge_arguments.insert(edge_arguments.end(), {"--set", "redis.key_prefix=" + edge_key_prefix});
  }
  edge = std::make_unique<AgoraProcess>(edge_arguments, environment);
  if (!options.split) return;

  roles_key_prefix = "roles-" + security::randomToken(6) + ":";
  // Roles keep keep-alive connections to each other, so each would wait out its whole shutdown
  // grace for the others to close theirs. The long call timeouts keep a busy machine (argon2id
  // behind a queue) from turning logins into 503s; no test here is about timeouts.
  std::vector<std::string> common = {"--admin-port", "0",
                                     "--set",        "auth.cookie_secure=false",
                                     "--set",        "shutdown.grace_seconds=1",
                                     "--set",        "services.read_timeout_milliseconds=15000",
                                     "--set",        "services.call_budget_milliseconds=30000",
                                     "--set",        "redis.key_prefix=" + roles_key_prefix};
  common.insert(common.end(), on_redis.begin(), on_redis.end());
  common.insert(common.end(), options.roles.begin(), options.roles.end());
  auto start = [&](std::vector<std::string> arguments, const std::string& secret) {
    arguments.insert(arguments.end(), common.begin(), common.end());
    auto role_environment = environment;
    if (!secret.empty()) role_environment["AGORA_SERVICES_CLIENT__SECRET"] = secret;
    return AgoraProcess::withArguments(arguments, role_environment);
  };

  // The auth role calls users lazily, so users may start after it on a port known now.
  const int users_port = freePort();
  auth = start({"--role=auth", "--port", "0", "--set",
                "services.users.url=http://127.0.0.1:" + std::to_string(users_port)},
               "");
  users = start({"--role=users", "--seed-demo", "--port", std::to_string(users_port), "--set",
                 "services.auth.url=" + auth->apiUrl()},
                kUsersSecret);
  catalog = start({"--role=catalog", "--seed-demo", "--port", "0", "--set",
                   "services.auth.url=" + auth->apiUrl()},
                  "");
  orders = start({"--role=orders", "--port", "0", "--set", "services.auth.url=" + auth->apiUrl(),
                  "--set", "services.catalog.url=" + catalog->apiUrl()},
                 kOrdersSecret);
}

Deployment::~Deployment() {
  // All at once: a role stopped alone waits out the keep-alive connections of the others.
  for (const auto* process : processes()) process->sendSignal(SIGTERM);
  orders.reset();
  catalog.reset();
  users.reset();
  auth.reset();
  edge.reset();
  redis.reset();
}

Side Deployment::edgeSide() const {
  Side side;
  side.name = "edge";
  side.auth = edge.get();
  side.users = edge.get();
  side.signing_key_file = edge->dataDir() + "/keys/signing-key.pem";
  const std::string nowhere = "/api/catalog/products/" + security::newUuid();
  side.targets = {target("edge /api/users/me", edge.get(), "GET", "/api/users/me", 200),
                  target("edge /api/orders", edge.get(), "GET", "/api/orders", 200),
                  target("edge /api/auth/sessions", edge.get(), "GET", "/api/auth/sessions", 200),
                  target("edge catalog admin", edge.get(), "DELETE", nowhere, 404, true)};
  return side;
}

Side Deployment::rolesSide() const {
  Side side;
  side.name = "roles";
  side.auth = auth.get();
  side.users = users.get();
  side.signing_key_file = auth->dataDir() + "/keys/signing-key.pem";
  const std::string nowhere = "/api/catalog/products/" + security::newUuid();
  side.targets = {target("users role", users.get(), "GET", "/api/users/me", 200),
                  target("orders role", orders.get(), "GET", "/api/orders", 200),
                  target("auth role", auth.get(), "GET", "/api/auth/sessions", 200),
                  target("catalog role", catalog.get(), "DELETE", nowhere, 404, true)};
  return side;
}

std::vector<Side> Deployment::sides() const {
  if (!auth) return {edgeSide()};
  return {edgeSide(), rolesSide()};
}

std::vector<const AgoraProcess*> Deployment::processes() const {
  std::vector<const AgoraProcess*> all;
  for (const auto* process : {edge.get(), auth.get(), users.get(), catalog.get(), orders.get()}) {
    if (process != nullptr) all.push_back(process);
  }
  return all;
}

// ---- Tokens -----------------------------------------------------------------------------

std::string jsonText(const Poco::JSON::Object& object) {
  std::ostringstream text;
  object.stringify(text);
  return text.str();
}

std::string base64Url(const std::string& bytes) {
  return security::base64UrlEncode(bytes);
}

TokenForge TokenForge::fromFile(const std::string& path) {
  return fromPem(readFile(path));
}

TokenForge TokenForge::fromPem(const std::string& pem) {
  security::SigningKey key = security::SigningKey::fromPem(pem);
  TokenForge forge;
  forge.key_ = privateKeyFrom(pem);
  forge.key_id_ = key.keyId();
  forge.public_pem_ = key.publicPem();
  forge.public_jwk_ = jsonText(*key.publicJwk());
  return forge;
}

TokenForge TokenForge::attacker() {
  return fromPem(security::SigningKey::generate().privatePem());
}

std::string TokenForge::publicDer() const {
  int length = i2d_PUBKEY(key_.get(), nullptr);
  std::string der(static_cast<std::size_t>(std::max(length, 0)), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_PUBKEY(key_.get(), &out);
  return der;
}

std::string TokenForge::sign(const Poco::JSON::Object& header,
                             const Poco::JSON::Object& payload) const {
  return signText(jsonText(header), jsonText(payload));
}

std::string TokenForge::signText(const std::string& header, const std::string& payload) const {
  const std::string input = base64Url(header) + "." + base64Url(payload);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  std::size_t length = 0;
  if (EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("OpenSSL could not start an RS256 signature");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("OpenSSL could not sign");
  }
  signature.resize(length);
  return input + "." + base64Url(signature);
}

Poco::JSON::Object::Ptr rs256Header(const std::string& kid) {
  Poco::JSON::Object::Ptr header = new Poco::JSON::Object;
  header->set("alg", "RS256");
  header->set("typ", "JWT");
  header->set("kid", kid);
  return header;
}

Poco::JSON::Object::Ptr claimsOf(const LoggedIn& who, const std::vector<std::string>& roles) {
  const int64_t now = nowSeconds();
  Poco::JSON::Array::Ptr role_list = new Poco::JSON::Array;
  for (const auto& role : roles) role_list->add(role);
  Poco::JSON::Object::Ptr claims = new Poco::JSON::Object;
  claims->set("iss", "agora");
  claims->set("aud", "agora-api");
  claims->set("sub", who.user_id);
  claims->set("sid", who.session_id);
  claims->set("roles", role_list);
  claims->set("iat", Poco::Int64(now));
  claims->set("nbf", Poco::Int64(now));
  claims->set("exp", Poco::Int64(now + 300));
  claims->set("jti", security::newUuid());
  return claims;
}

std::string hmacToken(const Poco::JSON::Object& header, const Poco::JSON::Object& payload,
                      const std::string& secret) {
  const std::string input = base64Url(jsonText(header)) + "." + base64Url(jsonText(payload));
  return input + "." + base64Url(security::hmacSha256(secret, input));
}

// ---- Checks -----------------------------------------------------------------------------

HttpResult tryToken(const Target& target, const std::string& token) {
  HttpCall call = target.call;
  call.bearer = token;
  return target.process->call(call);
}

void expectRejectedEverywhere(const std::vector<Target>& targets, const std::string& token,
                              const std::string& what) {
  for (const auto& target : targets) {
    HttpResult result = tryToken(target, token);
    EXPECT_EQ(result.status, 401) << what << " at " << target.name << ": " << result.body;
    EXPECT_EQ(result.header("www-authenticate").rfind("Bearer", 0), 0u)
        << what << " at " << target.name;
  }
}

void expectStillServing(const std::vector<const AgoraProcess*>& processes) {
  for (const auto* process : processes) {
    EXPECT_EQ(process->admin("/healthz").status, 200) << process->apiUrl();
  }
}

double median(std::vector<double> samples) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const std::size_t middle = samples.size() / 2;
  return samples.size() % 2 ? samples[middle] : (samples[middle - 1] + samples[middle]) / 2;
}

int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace agora::testing::attacks
