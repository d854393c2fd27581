// Loading, or creating on first start, the token signing key and the TLS certificate files.
#pragma once

#include <memory>
#include <string>

#include "platform/security/Jwt.h"

namespace agora::security {

/**
 * Loads the PEM RSA private key at `path`. When the file does not exist, generates a 2048-bit
 * key and writes it there with mode 0600, creating parent folders. The file appears
 * atomically with its full contents, and if another process creates it first, that key is
 * loaded instead. Throws std::runtime_error naming the path when the file cannot be read,
 * written or parsed.
 */
std::shared_ptr<SigningKey> loadOrCreateSigningKey(const std::string& path);

/**
 * Generates a 2048-bit RSA key and a self-signed X.509 v3 certificate unless both `cert_path`
 * and `key_path` already exist, in which case it leaves them alone. The certificate has a
 * random serial, is valid for 365 days, is signed with SHA-256 and names `common_name` as CN.
 * Its subjectAltName lists DNS:localhost, IP:127.0.0.1, IP:::1, and DNS:`common_name` when
 * that is a host name. The key is written with mode 0600 and the certificate with mode 0644,
 * each atomically. Throws std::invalid_argument for an empty `common_name` or one over 64
 * bytes, and std::runtime_error naming the path on I/O failure.
 */
void loadOrCreateSelfSignedCertificate(const std::string& cert_path, const std::string& key_path,
                                       const std::string& common_name);

}  // namespace agora::security
