// Reads topology.env and sends the end-to-end tests' requests: HTTPS through nginx, or plain
// HTTP straight to one role replica.
#include "Topology.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace agora::testing {
namespace {

/** The topology.env prefix of a replica: catalog-2 becomes CATALOG_2. */
std::string variableOf(const std::string& replica) {
  std::string variable;
  for (char c : replica) {
    variable += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return variable;
}

std::string lowerCase(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

/** Builds the client context, which checks the edge against the topology's own certificate. */
Poco::Net::Context::Ptr edgeContext(const std::string& certificate_file) {
  static std::once_flag once;
  static Poco::Net::Context::Ptr context;
  std::call_once(once, [&] {
    Poco::Net::initializeSSL();
    context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", certificate_file,
                                     Poco::Net::Context::VERIFY_RELAXED);
    Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject =
        new Poco::Net::RejectCertificateHandler(false);
    Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, context);
  });
  return context;
}

Reply exchange(Poco::Net::HTTPClientSession& session, const Call& call) {
  Poco::Net::HTTPRequest request(call.method, call.path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setHost("localhost");
  if (!call.bearer.empty()) request.set("Authorization", "Bearer " + call.bearer);
  for (const auto& [name, value] : call.headers) request.add(name, value);
  if (!call.body.empty() || call.method == "POST" || call.method == "PATCH") {
    if (!call.content_type.empty()) request.setContentType(call.content_type);
    request.setContentLength(static_cast<std::streamsize>(call.body.size()));
  }
  std::ostream& out = session.sendRequest(request);
  out << call.body;

  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = response.getStatus();
  for (const auto& [name, value] : response) reply.headers.emplace_back(lowerCase(name), value);
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

}  // namespace

std::string Reply::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

std::size_t Reply::count(const std::string& name) const {
  std::size_t found = 0;
  for (const auto& entry : headers) found += entry.first == name ? 1 : 0;
  return found;
}

Poco::JSON::Object::Ptr Reply::json() const {
  try {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    ADD_FAILURE() << "the body is not a JSON object: " << body;
    return new Poco::JSON::Object;
  }
}

bool Reply::isProblem() const {
  if (header("content-type").rfind("application/problem+json", 0) != 0) return false;
  try {
    auto object = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    return object->optValue<int>("status", 0) == status && object->has("type") &&
           object->has("title") && object->has("request_id");
  } catch (const std::exception&) {
    return false;
  }
}

const Topology& Topology::get() {
  const char* from_environment = std::getenv("AGORA_TOPOLOGY_ENV");
  static const Topology topology(from_environment && *from_environment ? from_environment
                                                                       : AGORA_TOPOLOGY_ENV);
  return topology;
}

std::map<std::string, std::string> Topology::read() const {
  std::ifstream file(path_);
  if (!file) {
    throw std::runtime_error("cannot read " + path_ +
                             ": run these tests with `ctest -L e2e`, or start the topology with "
                             "scripts/topology.sh start DIR and set "
                             "AGORA_TOPOLOGY_ENV=DIR/topology.env");
  }
  std::map<std::string, std::string> values;
  std::string line;
  while (std::getline(file, line)) {
    const auto equals = line.find('=');
    if (equals != std::string::npos) values[line.substr(0, equals)] = line.substr(equals + 1);
  }
  return values;
}

std::string Topology::value(const std::string& name) const {
  const auto values = read();
  const auto found = values.find(name);
  if (found == values.end()) {
    throw std::runtime_error(path_ + " is missing " + name +
                             ": start the topology again with scripts/topology.sh start");
  }
  return found->second;
}

pid_t Topology::pid(const std::string& replica) const {
  return static_cast<pid_t>(std::stol(value(variableOf(replica) + "_PID")));
}

Reply Topology::edge(const Call& call, const std::string& source_address) const {
  const auto edge_port = static_cast<Poco::UInt16>(port("EDGE_PORT"));
  Poco::Net::Context::Ptr context = edgeContext(value("CERTIFICATE_FILE"));
  // The TLS connection is made here and handed to a plain session: Poco's HTTPS session can
  // neither bind a source address nor connect without resolving its host name, and a minimal
  // system may have no /etc/hosts to resolve "localhost" with. The certificate is still checked
  // against "localhost".
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
  if (!source_address.empty()) {
    socket.impl()->bind(Poco::Net::SocketAddress(source_address, 0), false);
  }
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", edge_port), Poco::Timespan(10, 0));
  Poco::Net::HTTPClientSession session(
      Poco::Net::SecureStreamSocket::attach(socket, "localhost", context));
  session.setTimeout(Poco::Timespan(30, 0));
  return exchange(session, call);
}

Reply Topology::edgeGet(const std::string& path, const std::string& bearer) const {
  Call call;
  call.path = path;
  call.bearer = bearer;
  return edge(call);
}

Reply Topology::edgePost(const std::string& path, const std::string& body,
                         const std::string& bearer) const {
  Call call;
  call.method = "POST";
  call.path = path;
  call.body = body;
  call.bearer = bearer;
  return edge(call);
}

Reply Topology::direct(const std::string& replica, const Call& call) const {
  Poco::Net::HTTPClientSession session(
      "127.0.0.1", static_cast<Poco::UInt16>(port(variableOf(replica) + "_PORT")));
  session.setTimeout(Poco::Timespan(30, 0));
  return exchange(session, call);
}

void Topology::runScript(const std::string& arguments) const {
  const std::string line = std::string("'") + AGORA_TOPOLOGY_SCRIPT + "' " + arguments + " '" +
                           value("STATE_DIR") + "' >/dev/null";
  if (std::system(line.c_str()) != 0) throw std::runtime_error("failed: " + line);
}

std::string Topology::adminPassword() const {
  std::ifstream file(value("ADMIN_PASSWORD_FILE"));
  std::string password;
  std::getline(file, password);
  return password;
}

std::string toJson(const Poco::JSON::Object& object) {
  std::ostringstream text;
  Poco::JSON::Stringifier::condense(object, text);
  return text.str();
}

Account logIn(const std::string& email, const std::string& password) {
  Poco::JSON::Object body;
  body.set("email", email);
  body.set("password", password);
  Reply reply = Topology::get().edgePost("/api/auth/login", toJson(body));
  EXPECT_EQ(reply.status, 200) << reply.body;
  auto json = reply.json();
  Account account;
  account.email = email;
  account.password = password;
  account.access_token = json->optValue<std::string>("access_token", "");
  account.refresh_token = json->optValue<std::string>("refresh_token", "");
  account.session_id = json->optValue<std::string>("session_id", "");
  if (auto user = json->getObject("user")) account.user_id = user->optValue<std::string>("id", "");
  return account;
}

Account registerCustomer(const std::string& name) {
  static std::atomic<int> counter{0};
  const std::string email = name + "-" + std::to_string(getpid()) + "-" +
                            std::to_string(counter.fetch_add(1)) + "@e2e.example.test";
  const std::string password = "an end to end passphrase for " + name;
  Poco::JSON::Object body;
  body.set("email", email);
  body.set("password", password);
  body.set("display_name", name);
  Call call;
  call.method = "POST";
  call.path = "/api/users";
  call.body = toJson(body);
  // Each registration comes from another loopback address, so the suite's many registrations
  // stay below the edge's per-address limit (1 per second, bursts of 10).
  const std::string source = "127.0.1." + std::to_string(1 + (getpid() + counter) % 250);
  Reply registered = Topology::get().edge(call, source);
  EXPECT_EQ(registered.status, 201) << registered.body;
  return logIn(email, password);
}

std::string createProduct(const std::string& admin_token, const std::string& sku,
                          int64_t price_cents, int64_t stock) {
  static std::atomic<int> counter{0};
  Poco::JSON::Object body;
  // Unique per run, so the suite can run again against the same topology.
  body.set("sku", sku + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  body.set("name", "End-to-end " + sku);
  body.set("price_cents", price_cents);
  body.set("stock", stock);
  Reply created = Topology::get().edgePost("/api/catalog/products", toJson(body), admin_token);
  EXPECT_EQ(created.status, 201) << created.body;
  return created.json()->optValue<std::string>("id", "");
}

int64_t stockOf(const std::string& product_id) {
  Reply product = Topology::get().edgeGet("/api/catalog/products/" + product_id);
  EXPECT_EQ(product.status, 200) << product.body;
  return product.json()->optValue<int64_t>("stock", -1);
}

}  // namespace agora::testing
