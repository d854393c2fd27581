// Starts the real agora binary for HTTP-level tests and talks to it over HTTPS.
#pragma once

#include <Poco/JSON/Object.h>
#include <sys/types.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace agora::testing {

/** A response as a test reads it. */
struct HttpResult {
  int status = 0;
  std::string reason;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::vector<std::string> set_cookies;
  std::string body;

  /** The body parsed as a JSON object; fails the test when it is not one. */
  Poco::JSON::Object::Ptr json() const;
  std::string header(const std::string& name) const;
};

/** A request as a test builds it. */
struct HttpCall {
  std::string method = "GET";
  std::string path;
  std::string body;
  std::string content_type = "application/json";
  std::string bearer;
  std::map<std::string, std::string> headers;
};

/**
 * One agora process on free ports with a private data folder, started with
 * `--role=all --seed-demo` and the demo admin password `kAdminPassword`. The destructor
 * stops it with SIGTERM. Log lines (stdout) are kept for assertions.
 */
class AgoraProcess {
 public:
  static constexpr const char* kAdminEmail = "admin@agora.test";
  static constexpr const char* kAdminPassword = "correct horse battery staple 42";

  explicit AgoraProcess(std::vector<std::string> extra_arguments = {},
                        std::map<std::string, std::string> environment = {});
  ~AgoraProcess();

  /**
   * Starts agora with exactly `arguments` (everything after the program name), for processes
   * with other roles than all. Adds a private data folder unless the arguments name one with
   * --data-dir (the caller then owns that folder). Requests go over HTTP or HTTPS as the
   * process's `started` line reports.
   */
  static std::unique_ptr<AgoraProcess> withArguments(
      std::vector<std::string> arguments, std::map<std::string, std::string> environment = {});

  int apiPort() const { return api_port_; }
  /** The API base URL, e.g. "http://127.0.0.1:41234", for other processes to call. */
  std::string apiUrl() const;
  int adminPort() const { return admin_port_; }
  const std::string& dataDir() const { return data_dir_; }

  /** Sends one request over HTTPS to the API port (new connection each time). */
  HttpResult call(const HttpCall& request) const;
  HttpResult get(const std::string& path, const std::string& bearer = {}) const;
  HttpResult post(const std::string& path, const std::string& body,
                  const std::string& bearer = {}) const;
  /** A plain-HTTP GET on the admin port. */
  HttpResult admin(const std::string& path) const;

  /** Sends `signal_number` (e.g. SIGHUP) to the process while it runs. */
  void sendSignal(int signal_number) const;

  /** Sends SIGTERM, waits for the exit (SIGKILL after 10 s) and keeps the exit status. */
  void stop();
  /** The wait status after stop(). */
  int exitStatus() const { return exit_status_; }

  /** Every log line written so far. */
  std::vector<std::string> logLines() const;

 private:
  struct ExactArguments {};
  AgoraProcess(ExactArguments, std::vector<std::string> arguments,
               std::map<std::string, std::string> environment);
  void launch(std::vector<std::string> arguments,
              const std::map<std::string, std::string>& environment);
  void readOutput();

  std::string data_dir_;
  bool owns_data_dir_ = true;
  bool tls_ = true;
  pid_t pid_ = -1;
  int exit_status_ = -1;
  int output_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable started_;
  bool output_closed_ = false;
  int api_port_ = 0;
  int admin_port_ = 0;
  std::vector<std::string> lines_;
};

/** Logs in and returns the login response body. */
Poco::JSON::Object::Ptr login(const AgoraProcess& agora, const std::string& email,
                              const std::string& password);
/** Registers a customer with a fresh email and returns {email, access token}. */
std::pair<std::string, std::string> registerAndLogin(const AgoraProcess& agora,
                                                     const std::string& name);

}  // namespace agora::testing
