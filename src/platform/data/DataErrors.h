// What a database failure means, classified the same way on SQLite and MySQL/MariaDB.
#pragma once

#include <Poco/Exception.h>

#include <exception>

namespace agora::data {

/**
 * The MySQL error number a Poco Data MySQL exception carries, or 0. Poco 1.11 leaves code()
 * at 0 and writes the number into the message, so both are read.
 */
int mysqlErrorNumber(const Poco::Exception& error);

/**
 * Whether the database could not be reached or the connection broke: opening failed, MySQL
 * errors 2002, 2003, 2006, 2013, 2055, a killed connection or a server shutting down, and
 * SQLite's cannot-open, locked and I/O errors. The session that saw it must not be reused.
 */
bool isOutage(const Poco::Exception& error);

/**
 * Whether the server gave up on a transaction because of other transactions: a deadlock
 * (MySQL 1213, the whole transaction was rolled back and may run again) or a lock wait
 * timeout (1205).
 */
bool isDeadlock(const Poco::Exception& error);
bool isLockWaitTimeout(const Poco::Exception& error);

/**
 * Whether `error` is a unique or primary key violation: SQLite's "UNIQUE constraint failed"
 * or MySQL's duplicate entry (1062). Repositories turn it into the domain's result (email
 * taken, duplicate SKU, a concurrent claim of the same key) the same way on both backends.
 */
bool isDuplicateKey(const std::exception& error);

}  // namespace agora::data
