// A MySQL/MariaDB connection for the session pool: bounded reads and writes, autocommit kept on
// between transactions, and a broken connection reported so the pool drops it.
#pragma once

#include <Poco/Data/MySQL/SessionImpl.h>

#include <string>

namespace agora::data {

/** Setting this feature on a pooled session makes the pool close it instead of lending it. */
inline const std::string kDiscardSessionFeature = "agora.discard";

/**
 * One connection to MySQL/MariaDB. Poco's own session connects inside its constructor, so the
 * read and write timeouts are set on the open connection right after. The connect timeout
 * bounds connecting and the handshake.
 *
 * Each connection runs READ COMMITTED in strict SQL mode, with a lock wait one second shorter
 * than the read timeout (at least one second), so a blocked row lock ends in MySQL error 1205 while
 * the connection stays usable. Transactions are START TRANSACTION, COMMIT and ROLLBACK, so
 * autocommit stays on and a pooled session never carries an implicit transaction into its next use.
 */
class MysqlSession : public Poco::Data::MySQL::SessionImpl {
 public:
  /** Connects; throws Poco::Data::ConnectionFailedException when that fails. */
  MysqlSession(const std::string& connection_string, int connect_timeout_seconds,
               int io_timeout_seconds);

  /**
   * Returns false once the connection broke, the server closed or killed it (the idle socket turned
   * readable), or kDiscardSessionFeature was set. The pool checks this before lending a
   * session and when it comes back.
   */
  bool isGood() const override;
  bool isConnected() const override;

  void begin() override;
  void commit() override;
  void rollback() override;
  bool isTransaction() const override;

  /** Accepts kDiscardSessionFeature besides Poco's features. */
  void setFeature(const std::string& name, bool state) override;

 private:
  /** Runs one statement without results over the text protocol; throws MySQLException. */
  void execute(const std::string& sql);
  bool hasLiveConnection() const;

  bool in_transaction_ = false;
  bool discarded_ = false;
};

}  // namespace agora::data
