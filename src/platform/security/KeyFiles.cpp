// Loading, or creating on first start, the token signing key and the TLS certificate files.
#include "platform/security/KeyFiles.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "platform/security/Random.h"

namespace agora::security {
namespace {

constexpr mode_t kPrivateFileMode = 0600;
constexpr mode_t kPublicFileMode = 0644;
constexpr int kRsaBits = 2048;
constexpr long kCertificateValiditySeconds = 365L * 24 * 60 * 60;
constexpr std::size_t kMaxCommonNameBytes = 64;  // ub-common-name in RFC 5280

[[noreturn]] void throwIoError(const std::string& action, const std::string& path, int error) {
  throw std::runtime_error("failed to " + action + " " + path + ": " + std::strerror(error));
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throwIoError("open", path, errno);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throwIoError("read", path, errno);
  return contents.str();
}

/** Flushes a folder's entries to disk so that a rename or link in it survives a crash. */
void syncFolder(const std::filesystem::path& folder) {
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

/**
 * Writes `contents` to a new temporary file with `mode` next to `path` and returns its path.
 * The mode is set with fchmod so the umask cannot loosen or tighten it.
 */
std::filesystem::path writeTemporaryFile(const std::filesystem::path& path,
                                         const std::string& contents, mode_t mode) {
  std::filesystem::path folder = path.parent_path();
  if (!folder.empty()) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) throwIoError("create folder", folder.string(), error.value());
  }

  std::filesystem::path temporary = path;
  temporary += ".tmp-" + randomToken(9);
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throwIoError("create", temporary.string(), errno);

  int error = 0;
  if (::fchmod(fd, mode) != 0) error = errno;
  std::size_t written = 0;
  while (error == 0 && written < contents.size()) {
    ssize_t count = ::write(fd, contents.data() + written, contents.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) error = errno;
    if (count > 0) written += static_cast<std::size_t>(count);
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) {
    ::unlink(temporary.c_str());
    throwIoError("write", temporary.string(), error);
  }
  return temporary;
}

/** Atomically replaces (or creates) `path` with `contents`. */
void replaceFile(const std::string& path, const std::string& contents, mode_t mode) {
  std::filesystem::path temporary = writeTemporaryFile(path, contents, mode);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    throwIoError("rename into place", path, error);
  }
  syncFolder(std::filesystem::path(path).parent_path());
}

/**
 * Atomically creates `path` with `contents` unless it already exists. Returns false, leaving
 * the existing file alone, when another writer created it first.
 */
bool createFileExclusively(const std::string& path, const std::string& contents, mode_t mode) {
  std::filesystem::path temporary = writeTemporaryFile(path, contents, mode);
  // link() fails with EEXIST instead of replacing, unlike rename().
  int result = ::link(temporary.c_str(), path.c_str());
  int error = result == 0 ? 0 : errno;
  if (error == EPERM || error == EOPNOTSUPP || error == ENOSYS) {
    // NOTE: on a file system without hard links the exclusive create falls back to rename,
    // so two processes racing on first start may each keep a different key in memory.
    result = ::rename(temporary.c_str(), path.c_str());
    error = result == 0 ? 0 : errno;
  }
  ::unlink(temporary.c_str());
  if (error == EEXIST) return false;
  if (error != 0) throwIoError("create", path, error);
  syncFolder(std::filesystem::path(path).parent_path());
  return true;
}

std::shared_ptr<SigningKey> loadSigningKey(const std::string& path) {
  std::string pem = readFile(path);
  try {
    return std::make_shared<SigningKey>(SigningKey::fromPem(pem));
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error("invalid signing key file " + path + ": " + error.what());
  }
}

/** Returns whether `name` can go into a subjectAltName DNS entry as is. */
bool isHostName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    bool valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.';
    if (!valid) return false;
  }
  return true;
}

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using EvpKeyOwner = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

void addExtension(X509* certificate, X509V3_CTX* context, int nid, const std::string& value) {
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, context, nid, value.c_str());
  if (extension == nullptr) {
    ERR_clear_error();
    throw std::runtime_error("OpenSSL rejected certificate extension " +
                             std::string(OBJ_nid2sn(nid)) + " = " + value);
  }
  int added = X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
  if (added != 1) throw std::runtime_error("OpenSSL could not add a certificate extension");
}

X509Ptr makeSelfSignedCertificate(EVP_PKEY* key, const std::string& common_name) {
  X509Ptr certificate(X509_new(), &X509_free);
  if (!certificate) throw std::runtime_error("OpenSSL could not allocate a certificate");
  X509* cert = certificate.get();

  // A positive 159-bit random serial fits the 20 octets RFC 5280 allows.
  std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(BN_new(), &BN_free);
  bool ok = X509_set_version(cert, 2) == 1 && serial &&
            BN_rand(serial.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) != nullptr &&
            X509_gmtime_adj(X509_getm_notBefore(cert), 0) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(cert), kCertificateValiditySeconds) != nullptr &&
            X509_set_pubkey(cert, key) == 1;
  X509_NAME* name = X509_get_subject_name(cert);
  ok = ok && name != nullptr &&
       X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                  -1, 0) == 1 &&
       X509_set_issuer_name(cert, name) == 1;
  if (!ok) {
    ERR_clear_error();
    throw std::runtime_error("OpenSSL could not fill in the certificate fields");
  }

  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  std::string alt_names = "DNS:localhost,IP:127.0.0.1,IP:::1";
  if (isHostName(common_name) && common_name != "localhost") alt_names += ",DNS:" + common_name;
  addExtension(cert, &context, NID_basic_constraints, "critical,CA:FALSE");
  // An ECDSA key only signs, so the certificate does not claim keyEncipherment.
  addExtension(cert, &context, NID_key_usage, "critical,digitalSignature");
  addExtension(cert, &context, NID_ext_key_usage, "serverAuth");
  addExtension(cert, &context, NID_subject_key_identifier, "hash");
  addExtension(cert, &context, NID_authority_key_identifier, "keyid:always");
  addExtension(cert, &context, NID_subject_alt_name, alt_names);

  if (X509_sign(cert, key, EVP_sha256()) <= 0) {
    ERR_clear_error();
    throw std::runtime_error("OpenSSL could not sign the certificate");
  }
  return certificate;
}

std::string privateKeyPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("OpenSSL could not write the private key as PEM");
  }
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string certificatePem(X509* certificate) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) {
    throw std::runtime_error("OpenSSL could not write the certificate as PEM");
  }
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

std::shared_ptr<SigningKey> loadOrCreateSigningKey(const std::string& path) {
  if (std::filesystem::exists(path)) return loadSigningKey(path);

  auto key = std::make_shared<SigningKey>(SigningKey::generate(kRsaBits));
  if (!createFileExclusively(path, key->privatePem(), kPrivateFileMode)) {
    return loadSigningKey(path);
  }
  return key;
}

void loadOrCreateSelfSignedCertificate(const std::string& cert_path, const std::string& key_path,
                                       const std::string& common_name) {
  if (common_name.empty() || common_name.size() > kMaxCommonNameBytes) {
    throw std::invalid_argument("certificate common name must be 1 to 64 bytes, got " +
                                std::to_string(common_name.size()));
  }
  if (std::filesystem::exists(cert_path) && std::filesystem::exists(key_path)) return;

  // P-256 rather than RSA, because a first start waits for the key: on the bench machine an
  // RSA-2048 key took from 0.1 s to over a second, a P-256 key milliseconds (bench/analysis.md).
  // Chromium, curl and Poco's clients in the tests accept it.
  EvpKeyOwner key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  if (!key) {
    ERR_clear_error();
    throw std::runtime_error("OpenSSL failed to generate a P-256 key for the certificate");
  }
  X509Ptr certificate = makeSelfSignedCertificate(key.get(), common_name);

  // A stale certificate is removed before the new key is written, so a crash in between
  // leaves the certificate missing and the next start generates a fresh matching pair.
  if (::unlink(cert_path.c_str()) != 0 && errno != ENOENT) {
    throwIoError("remove", cert_path, errno);
  }
  replaceFile(key_path, privateKeyPem(key.get()), kPrivateFileMode);
  replaceFile(cert_path, certificatePem(certificate.get()), kPublicFileMode);
}

}  // namespace agora::security
