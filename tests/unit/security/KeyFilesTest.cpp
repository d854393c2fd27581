// Tests for creating and reloading the signing key and the self-signed TLS certificate.
#include <Poco/Crypto/X509Certificate.h>
#include <Poco/DateTime.h>
#include <Poco/Timespan.h>
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include "platform/security/KeyFiles.h"
#include "platform/security/Random.h"

namespace agora::security {
namespace {

namespace fs = std::filesystem;

/** A fresh folder under the system temp folder, removed with everything in it. */
class TemporaryFolder {
 public:
  TemporaryFolder() : path_(fs::temp_directory_path() / ("agora-keys-" + randomToken(9))) {
    fs::create_directories(path_);
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/** Passes when the certificate contains the public half of the P-256 key in the key file. */
::testing::AssertionResult isP256PairOf(const fs::path& cert_path, const fs::path& key_path) {
  using File = std::unique_ptr<FILE, decltype(&std::fclose)>;
  File cert_file(std::fopen(cert_path.c_str(), "r"), &std::fclose);
  File key_file(std::fopen(key_path.c_str(), "r"), &std::fclose);
  if (!cert_file || !key_file) return ::testing::AssertionFailure() << "cannot open the files";
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      PEM_read_X509(cert_file.get(), nullptr, nullptr, nullptr), &X509_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_PrivateKey(key_file.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!certificate || !key) return ::testing::AssertionFailure() << "cannot parse the PEM files";
  char group[64] = {};
  if (!EVP_PKEY_is_a(key.get(), "EC") ||
      EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     nullptr) != 1 ||
      std::string(group) != "prime256v1") {
    return ::testing::AssertionFailure() << "the key is not a P-256 key (group '" << group << "')";
  }
  if (EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), key.get()) != 1) {
    return ::testing::AssertionFailure() << "the certificate holds another key";
  }
  return ::testing::AssertionSuccess();
}

mode_t permissionsOf(const fs::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return 0;
  return status.st_mode & 07777;
}

std::string contentsOf(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::set<std::string> fileNamesIn(const fs::path& folder) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

TEST(KeysOnDisk, SigningKeyCreatedThenReloaded) {
  TemporaryFolder folder;
  fs::path key_path = folder.path() / "nested" / "data" / "signing-key.pem";

  auto created = loadOrCreateSigningKey(key_path.string());
  ASSERT_TRUE(created);
  ASSERT_TRUE(fs::exists(key_path));
  auto reloaded = loadOrCreateSigningKey(key_path.string());

  EXPECT_EQ(reloaded->keyId(), created->keyId());
  EXPECT_EQ(reloaded->publicPem(), created->publicPem());
  EXPECT_EQ(contentsOf(key_path), created->privatePem());
}

TEST(KeysOnDisk, SigningKeyFileIsPrivate) {
  TemporaryFolder folder;
  fs::path key_path = folder.path() / "signing-key.pem";
  loadOrCreateSigningKey(key_path.string());
  EXPECT_EQ(permissionsOf(key_path), 0600u);
  // The temporary file is gone after the atomic create.
  EXPECT_EQ(fileNamesIn(folder.path()), std::set<std::string>{"signing-key.pem"});
}

TEST(KeysOnDisk, SigningKeyLoadsExistingPem) {
  TemporaryFolder folder;
  fs::path key_path = folder.path() / "signing-key.pem";
  SigningKey original = SigningKey::generate();
  std::ofstream(key_path) << original.privatePem();
  EXPECT_EQ(loadOrCreateSigningKey(key_path.string())->keyId(), original.keyId());
}

TEST(KeysOnDisk, InvalidSigningKeyFileThrows) {
  TemporaryFolder folder;
  fs::path key_path = folder.path() / "signing-key.pem";
  std::ofstream(key_path) << "not a key";
  try {
    loadOrCreateSigningKey(key_path.string());
    ADD_FAILURE() << "accepted an invalid key file";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(key_path.string()), std::string::npos) << error.what();
  }
  EXPECT_EQ(contentsOf(key_path), "not a key");
}

TEST(KeysOnDisk, CertificateLoadsInPoco) {
  TemporaryFolder folder;
  fs::path cert_path = folder.path() / "tls" / "cert.pem";
  fs::path key_path = folder.path() / "tls" / "key.pem";
  loadOrCreateSelfSignedCertificate(cert_path.string(), key_path.string(), "agora.local");

  Poco::Crypto::X509Certificate certificate(cert_path.string());
  EXPECT_EQ(certificate.commonName(), "agora.local");
  EXPECT_EQ(certificate.issuerName(), certificate.subjectName());
  EXPECT_EQ(certificate.version(), 3);
  EXPECT_EQ(certificate.signatureAlgorithm(), "ecdsa-with-SHA256");

  std::string common_name;
  std::set<std::string> names;
  certificate.extractNames(common_name, names);
  EXPECT_EQ(names.count("localhost"), 1u);
  EXPECT_EQ(names.count("agora.local"), 1u);

  Poco::Timespan validity = certificate.expiresOn() - certificate.validFrom();
  EXPECT_EQ(validity.days(), 365);
  Poco::Timespan age = Poco::DateTime() - certificate.validFrom();
  EXPECT_LT(age.totalSeconds(), 300);

  EXPECT_TRUE(isP256PairOf(cert_path, key_path));
}

TEST(KeysOnDisk, CertificateKeyIsPrivate) {
  TemporaryFolder folder;
  fs::path cert_path = folder.path() / "cert.pem";
  fs::path key_path = folder.path() / "key.pem";
  loadOrCreateSelfSignedCertificate(cert_path.string(), key_path.string(), "localhost");
  EXPECT_EQ(permissionsOf(key_path), 0600u);
  EXPECT_EQ(permissionsOf(cert_path), 0644u);
  EXPECT_EQ(fileNamesIn(folder.path()), (std::set<std::string>{"cert.pem", "key.pem"}));
}

TEST(KeysOnDisk, CertificateKeptWhenPresent) {
  TemporaryFolder folder;
  fs::path cert_path = folder.path() / "cert.pem";
  fs::path key_path = folder.path() / "key.pem";
  loadOrCreateSelfSignedCertificate(cert_path.string(), key_path.string(), "localhost");
  std::string first_cert = contentsOf(cert_path);
  std::string first_key = contentsOf(key_path);

  loadOrCreateSelfSignedCertificate(cert_path.string(), key_path.string(), "localhost");
  EXPECT_EQ(contentsOf(cert_path), first_cert);
  EXPECT_EQ(contentsOf(key_path), first_key);
}

TEST(KeysOnDisk, CertificateRegeneratedWhenKeyMissing) {
  TemporaryFolder folder;
  fs::path cert_path = folder.path() / "cert.pem";
  fs::path key_path = folder.path() / "key.pem";
  loadOrCreateSelfSignedCertificate(cert_path.string(), key_path.string(), "localhost");
  std::string first_cert = contentsOf(cert_path);
  fs::remove(key_path);

  loadOrCreateSelfSignedCertificate(cert_path.string(), key_path.string(), "localhost");
  ASSERT_TRUE(fs::exists(key_path));
  EXPECT_NE(contentsOf(cert_path), first_cert);
  EXPECT_TRUE(isP256PairOf(cert_path, key_path));
}

TEST(KeysOnDisk, CertificateRejectsBadCommonName) {
  TemporaryFolder folder;
  std::string cert_path = (folder.path() / "cert.pem").string();
  std::string key_path = (folder.path() / "key.pem").string();
  EXPECT_THROW(loadOrCreateSelfSignedCertificate(cert_path, key_path, ""), std::invalid_argument);
  EXPECT_THROW(loadOrCreateSelfSignedCertificate(cert_path, key_path, std::string(65, 'a')),
               std::invalid_argument);
  EXPECT_FALSE(fs::exists(cert_path));
}

}  // namespace
}  // namespace agora::security
