// Argon2id password hashing in PHC string format (libargon2).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace agora::security {

/**
 * Hashes and verifies passwords with argon2id. Callers pass passwords already normalized to
 * NFC. Thread-safe: every method is const and the only state is set in the constructor.
 */
class PasswordHasher {
 public:
  /**
   * Argon2id cost parameters. The defaults are the minimum of the OWASP Password Storage Cheat
   * Sheet: 19 MiB, 2 passes, 1 lane.
   */
  struct Parameters {
    uint32_t memory_kib = 19456;
    uint32_t iterations = 2;
    uint32_t parallelism = 1;
  };

  /**
   * Validates `parameters`. Throws std::invalid_argument when libargon2 would reject them
   * (iterations or parallelism 0, memory below 8 KiB per lane). Costs no hash: the dummy hash
   * of burnEquivalentWork is made on first need (see prepareDummyHash).
   */
  explicit PasswordHasher(Parameters parameters);
  /** Uses the default Parameters. */
  PasswordHasher();

  /**
   * Returns `$argon2id$v=19$m=<kib>,t=<iterations>,p=<lanes>$<salt>$<hash>` with a fresh
   * 16-byte random salt and a 32-byte hash, both unpadded base64. Throws std::runtime_error
   * when hashing fails (for example out of memory).
   */
  std::string hash(std::string_view password) const;

  /**
   * Returns whether `password` matches the PHC string `phc`. Returns false, without throwing,
   * for a wrong password and for a malformed or non-argon2id hash. Hashes whose cost exceeds
   * both the configured parameters and 1 GiB, 64 passes or 64 lanes count as malformed, so a
   * corrupt stored hash cannot stall the process.
   */
  bool verify(std::string_view password, const std::string& phc) const;

  /**
   * Returns whether `phc` should be replaced by a fresh hash. That is the case when it is
   * malformed or not argon2id version 19, when it uses less memory, fewer passes or fewer
   * lanes than configured, and when its salt is shorter than 16 or its hash shorter than 32
   * bytes.
   */
  bool needsRehash(const std::string& phc) const;

  /**
   * Spends the same argon2id work as verify() against a dummy hash and discards the result.
   * Login calls it for an unknown email so that the response time does not reveal whether the
   * account exists.
   */
  void burnEquivalentWork(std::string_view password) const;

  /**
   * Makes the dummy hash of burnEquivalentWork (one hash) unless it exists; concurrent calls
   * wait for the one that makes it. Copies of this hasher share it. Thread-safe.
   */
  void prepareDummyHash() const;

  const Parameters& parameters() const { return parameters_; }

 private:
  struct DummyHash {
    std::once_flag made;
    std::string phc;
  };

  Parameters parameters_;
  std::shared_ptr<DummyHash> dummy_hash_ = std::make_shared<DummyHash>();
};

}  // namespace agora::security
