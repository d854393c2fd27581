// Hand-built TLS ClientHellos for the attack tests: they offer protocol versions and cipher
// suites that this machine's OpenSSL no longer offers itself, so a rejection is the server's.
// Header-only, like RawClient.h.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "RawClient.h"

namespace agora::testing::raw {

/** The server's response to a hand-built TLS ClientHello. */
struct HelloAnswer {
  bool server_hello = false;  // it agreed: a ServerHello came back
  uint16_t version = 0;       // the ServerHello's version
  uint16_t cipher = 0;        // the suite it chose
  int alert = -1;             // the alert description when it refused with one
};

/**
 * Builds a TLS 1.2-style ClientHello with `version` in its body that offers exactly `suites`.
 * Built by hand, it can offer what this machine's OpenSSL no longer implements (RC4, export).
 */
inline std::string buildClientHello(uint16_t version, const std::vector<uint16_t>& suites) {
  auto u16 = [](std::string& out, std::size_t value) {
    out += static_cast<char>((value >> 8) & 0xFF);
    out += static_cast<char>(value & 0xFF);
  };
  std::string extensions;
  const std::string host = "localhost";
  u16(extensions, 0x0000);  // server_name
  u16(extensions, host.size() + 5);
  u16(extensions, host.size() + 3);
  extensions += '\0';
  u16(extensions, host.size());
  extensions += host;
  u16(extensions, 0x000a);  // supported_groups: x25519, P-256, P-384
  u16(extensions, 8);
  u16(extensions, 6);
  for (uint16_t group : {0x001d, 0x0017, 0x0018}) u16(extensions, group);
  u16(extensions, 0x000b);  // ec_point_formats: uncompressed
  u16(extensions, 2);
  extensions += '\x01';
  extensions += '\0';
  const std::vector<uint16_t> signatures = {0x0403, 0x0503, 0x0804, 0x0805, 0x0401, 0x0501, 0x0201};
  u16(extensions, 0x000d);  // signature_algorithms
  u16(extensions, signatures.size() * 2 + 2);
  u16(extensions, signatures.size() * 2);
  for (uint16_t signature : signatures) u16(extensions, signature);
  u16(extensions, 0xff01);  // renegotiation_info, empty
  u16(extensions, 1);
  extensions += '\0';

  std::string body;
  u16(body, version);
  for (int i = 0; i < 32; ++i) body += static_cast<char>(i * 7 + 1);  // client random
  body += '\0';                                                       // no session id
  u16(body, suites.size() * 2);
  for (uint16_t suite : suites) u16(body, suite);
  body += '\x01';  // one compression method: none
  body += '\0';
  u16(body, extensions.size());
  body += extensions;

  std::string handshake = "\x01";  // client_hello
  handshake += static_cast<char>((body.size() >> 16) & 0xFF);
  u16(handshake, body.size());
  handshake += body;
  std::string record = "\x16\x03\x01";  // a handshake record
  u16(record, handshake.size());
  return record + handshake;
}

/** Sends a hand-built ClientHello (see buildClientHello) and reads the first response. */
inline HelloAnswer offerHello(int port, uint16_t version, const std::vector<uint16_t>& suites) {
  HelloAnswer answer;
  auto connection = Connection::open(port, false);
  if (!connection) {
    ADD_FAILURE() << "cannot connect to port " << port;
    return answer;
  }
  connection->send(buildClientHello(version, suites));
  std::string received;
  timeval timeout{5, 0};
  setsockopt(connection->fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char buffer[4096];
  while (received.size() < 64) {
    const ssize_t count = recv(connection->fd(), buffer, sizeof buffer, 0);
    if (count <= 0) break;
    received.append(buffer, static_cast<std::size_t>(count));
  }
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(received[at]); };
  if (received.size() >= 7 && byte(0) == 0x15) {
    answer.alert = byte(6);
  } else if (received.size() >= 5 + 4 + 2 + 32 + 1 && byte(0) == 0x16 && byte(5) == 0x02) {
    answer.server_hello = true;
    answer.version = static_cast<uint16_t>(byte(9) << 8 | byte(10));
    const std::size_t session_id = byte(5 + 4 + 2 + 32);
    const std::size_t at = 5 + 4 + 2 + 32 + 1 + session_id;
    if (received.size() >= at + 2)
      answer.cipher = static_cast<uint16_t>(byte(at) << 8 | byte(at + 1));
  }
  return answer;
}

/** Cipher suites no server of this project may accept, by family (IANA code points). */
inline const std::vector<std::pair<std::string, std::vector<uint16_t>>>& weakSuites() {
  static const std::vector<std::pair<std::string, std::vector<uint16_t>>> suites = {
      {"RC4", {0x0004, 0x0005, 0xC007, 0xC011, 0xC016}},
      {"3DES", {0x000A, 0x0016, 0xC008, 0xC012, 0xC017}},
      {"NULL", {0x0001, 0x0002, 0x003B, 0xC006, 0xC010, 0xC015}},
      {"EXPORT", {0x0003, 0x0006, 0x0008, 0x000E, 0x0011, 0x0014, 0x0017, 0x0019}},
      {"anonymous", {0x0018, 0x001A, 0x001B, 0x0034, 0x00A6, 0xC018, 0xC019}},
      {"CBC with SHA-1", {0x002F, 0x0035, 0xC009, 0xC00A, 0xC013, 0xC014}},
  };
  return suites;
}

/** Returns the suites a current TLS 1.2 client offers: forward secret AEAD only. */
inline std::vector<uint16_t> modernSuites() {
  return {0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8};
}

}  // namespace agora::testing::raw
