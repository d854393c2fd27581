// Starts agora for HTTP-level tests and sends it requests over HTTPS.
#include "AgoraProcess.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <sstream>

extern char** environ;

namespace agora::testing {
namespace {

Poco::Net::Context::Ptr clientContext() {
  // The built-in edge uses a self-signed certificate generated on first start.
  static Poco::Net::Context::Ptr context = [] {
    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr created = new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_NONE);
    Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> handler =
        new Poco::Net::AcceptCertificateHandler(false);
    Poco::Net::SSLManager::instance().initializeClient(nullptr, handler, created);
    return created;
  }();
  return context;
}

HttpResult exchange(Poco::Net::HTTPClientSession& session, const HttpCall& call) {
  Poco::Net::HTTPRequest request(call.method, call.path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setHost("localhost");
  if (!call.bearer.empty()) request.set("Authorization", "Bearer " + call.bearer);
  for (const auto& [name, value] : call.headers) request.set(name, value);
  if (!call.body.empty() || call.method == "POST" || call.method == "PATCH") {
    if (!call.content_type.empty()) request.setContentType(call.content_type);
    request.setContentLength(static_cast<std::streamsize>(call.body.size()));
  }

  std::ostream& out = session.sendRequest(request);
  out << call.body;

  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpResult result;
  result.status = response.getStatus();
  result.reason = response.getReason();
  for (const auto& [name, value] : response) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "set-cookie") {
      result.set_cookies.push_back(value);
    } else {
      result.headers[lower] = value;
    }
  }
  Poco::StreamCopier::copyToString(in, result.body);
  return result;
}

std::string makeTemporaryFolder() {
  std::string pattern = (std::filesystem::temp_directory_path() / "agora-test-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return buffer.data();
}

}  // namespace

Poco::JSON::Object::Ptr HttpResult::json() const {
  try {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "response body is not a JSON object: " << body;
    return new Poco::JSON::Object;
  }
}

std::string HttpResult::header(const std::string& name) const {
  auto found = headers.find(name);
  return found == headers.end() ? std::string() : found->second;
}

AgoraProcess::AgoraProcess(std::vector<std::string> extra_arguments,
                           std::map<std::string, std::string> environment) {
  data_dir_ = makeTemporaryFolder();

  std::vector<std::string> arguments = {AGORA_BINARY,   "--role=all", "--seed-demo", "--port", "0",
                                        "--admin-port", "0",          "--data-dir",  data_dir_};
  arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
  launch(std::move(arguments), environment);
}

AgoraProcess::AgoraProcess(ExactArguments, std::vector<std::string> arguments,
                           std::map<std::string, std::string> environment) {
  auto named = std::find(arguments.begin(), arguments.end(), "--data-dir");
  if (named != arguments.end() && named + 1 != arguments.end()) {
    data_dir_ = *(named + 1);
    owns_data_dir_ = false;
  } else {
    data_dir_ = makeTemporaryFolder();
    arguments.insert(arguments.end(), {"--data-dir", data_dir_});
  }
  arguments.insert(arguments.begin(), AGORA_BINARY);
  launch(std::move(arguments), environment);
}

std::unique_ptr<AgoraProcess> AgoraProcess::withArguments(
    std::vector<std::string> arguments, std::map<std::string, std::string> environment) {
  return std::unique_ptr<AgoraProcess>(
      new AgoraProcess(ExactArguments{}, std::move(arguments), std::move(environment)));
}

std::string AgoraProcess::apiUrl() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(api_port_);
}

void AgoraProcess::launch(std::vector<std::string> arguments,
                          const std::map<std::string, std::string>& environment) {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; *entry; ++entry) {
    std::string text = *entry;
    auto equals = text.find('=');
    if (equals != std::string::npos && text.rfind("AGORA_", 0) != 0) {
      variables[text.substr(0, equals)] = text.substr(equals + 1);
    }
  }
  variables["AGORA_DEMO_ADMIN__EMAIL"] = kAdminEmail;
  variables["AGORA_DEMO_ADMIN__PASSWORD"] = kAdminPassword;
  for (const auto& [name, value] : environment) variables[name] = value;

  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<std::string> environment_text;
    for (const auto& [name, value] : variables) environment_text.push_back(name + "=" + value);
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& entry : environment_text) envp.push_back(entry.data());
    envp.push_back(nullptr);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  output_fd_ = pipe_fds[0];
  pid_ = pid;
  reader_ = std::thread([this] { readOutput(); });

  std::unique_lock lock(mutex_);
  started_.wait_for(lock, std::chrono::seconds(60),
                    [this] { return api_port_ != 0 || output_closed_; });
  if (api_port_ == 0) {
    std::string output;
    for (const auto& line : lines_) output += line + "\n";
    lock.unlock();
    stop();
    throw std::runtime_error("agora did not start; its output:\n" + output);
  }
}

void AgoraProcess::readOutput() {
  std::string pending;
  char buffer[4096];
  ssize_t count;
  while ((count = read(output_fd_, buffer, sizeof buffer)) > 0) {
    pending.append(buffer, static_cast<std::size_t>(count));
    std::size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      std::lock_guard lock(mutex_);
      lines_.push_back(line);
      if (api_port_ == 0 && line.find("\"event\":\"started\"") != std::string::npos) {
        auto object = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
        api_port_ = object->getValue<int>("api_port");
        admin_port_ = object->getValue<int>("admin_port");
        tls_ = object->optValue<bool>("tls", true);
        started_.notify_all();
      }
    }
  }
  std::lock_guard lock(mutex_);
  output_closed_ = true;
  started_.notify_all();
}

void AgoraProcess::sendSignal(int signal_number) const {
  if (pid_ > 0) kill(pid_, signal_number);
}

void AgoraProcess::stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int waited = 0; waited < 100; ++waited) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (waited == 99) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
    }
    exit_status_ = status;
    pid_ = -1;
  }
  if (reader_.joinable()) reader_.join();
  if (output_fd_ >= 0) {
    close(output_fd_);
    output_fd_ = -1;
  }
}

AgoraProcess::~AgoraProcess() {
  stop();
  std::error_code ignored;
  if (owns_data_dir_) std::filesystem::remove_all(data_dir_, ignored);
}

HttpResult AgoraProcess::call(const HttpCall& request) const {
  if (!tls_) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(api_port_));
    session.setTimeout(Poco::Timespan(30, 0));
    return exchange(session, request);
  }
  Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(api_port_),
                                        clientContext());
  session.setTimeout(Poco::Timespan(30, 0));
  return exchange(session, request);
}

HttpResult AgoraProcess::get(const std::string& path, const std::string& bearer) const {
  HttpCall request;
  request.path = path;
  request.bearer = bearer;
  return call(request);
}

HttpResult AgoraProcess::post(const std::string& path, const std::string& body,
                              const std::string& bearer) const {
  HttpCall request;
  request.method = "POST";
  request.path = path;
  request.body = body;
  request.bearer = bearer;
  return call(request);
}

HttpResult AgoraProcess::admin(const std::string& path) const {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(admin_port_));
  session.setTimeout(Poco::Timespan(10, 0));
  HttpCall request;
  request.path = path;
  return exchange(session, request);
}

std::vector<std::string> AgoraProcess::logLines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

Poco::JSON::Object::Ptr login(const AgoraProcess& agora, const std::string& email,
                              const std::string& password) {
  Poco::JSON::Object body;
  body.set("email", email);
  body.set("password", password);
  std::ostringstream text;
  body.stringify(text);
  HttpResult result = agora.post("/api/auth/login", text.str());
  EXPECT_EQ(result.status, 200) << result.body;
  return result.json();
}

std::pair<std::string, std::string> registerAndLogin(const AgoraProcess& agora,
                                                     const std::string& name) {
  static std::atomic<int> counter{0};
  std::string email = name + "-" + std::to_string(getpid()) + "-" +
                      std::to_string(counter.fetch_add(1)) + "@example.test";
  const std::string password = "a long enough passphrase for " + name;

  Poco::JSON::Object body;
  body.set("email", email);
  body.set("password", password);
  body.set("display_name", name);
  std::ostringstream text;
  body.stringify(text);
  HttpResult registered = agora.post("/api/users", text.str());
  EXPECT_EQ(registered.status, 201) << registered.body;

  auto session = login(agora, email, password);
  return {email, session->optValue<std::string>("access_token", "")};
}

}  // namespace agora::testing
