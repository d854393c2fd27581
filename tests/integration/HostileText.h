// Text that attacks storage: SQL metacharacters, backslashes, quotes, NUL, LIKE wildcards and
// 4-byte UTF-8, with the checks that it is stored and returned unchanged (or refused where the
// contract refuses it) in every text field. Header-only, shared by the SQLite run (integration,
// --role=all) and the MariaDB run (end-to-end topology), which each supply how to send.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace agora::testing::hostile {

/** A response: its status and body. */
struct Reply {
  int status = 0;
  std::string body;

  Poco::JSON::Object::Ptr json() const {
    try {
      return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
      ADD_FAILURE() << "not a JSON object: " << body;
      return new Poco::JSON::Object;
    }
  }
};

/** Sends one request (method, path with query, JSON body or "", bearer token or ""). */
using Send = std::function<Reply(const std::string& method, const std::string& path,
                                 const std::string& body, const std::string& bearer)>;

/** Texts every free-text field must store and return byte for byte. */
inline const std::vector<std::string>& roundTripTexts() {
  static const std::vector<std::string> texts = {
      "'; DROP TABLE products; --",
      "Robert'); DROP TABLE users;--",
      "\" OR \"1\"=\"1\" -- ' OR '1'='1",
      "C:\\temp\\new \\\\server\\share \\' \\\" \\\\ \\0 \\n",
      "100% real_deal! [^a-z]* ?",
      "Mug \xe2\x98\x95 \xf0\x9f\x98\x80 \xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 "
      "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa \xf0\x9d\x84\x9e \xe4\xb8\xad\xe6\x96\x87",
      "<script>alert(1)</script> &amp; ${jndi:x} $(id) `id`",
      "caf\x65\xcc\x81 vs caf\xc3\xa9",  // decomposed and composed: kept as sent
  };
  return texts;
}

/** Serializes a JSON object. */
inline std::string toJson(const Poco::JSON::Object& object) {
  std::ostringstream text;
  Poco::JSON::Stringifier::condense(object, text);
  return text.str();
}

/** Returns the items of a list response. */
inline Poco::JSON::Array::Ptr itemsOf(const Reply& reply) {
  auto items = reply.json()->getArray("items");
  return items ? items : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
}

/** Percent-encodes a query value (every byte outside the unreserved set). */
inline std::string queryValue(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return encoded;
}

/** Creates a product; returns its id, or "" after a failed expectation. */
inline std::string createProduct(const Send& send, const std::string& admin_token,
                                 const std::string& sku, const std::string& name,
                                 const std::string& description) {
  Poco::JSON::Object body;
  body.set("sku", sku);
  body.set("name", name);
  body.set("description", description);
  body.set("price_cents", 123);
  body.set("stock", 50);
  Reply created = send("POST", "/api/catalog/products", toJson(body), admin_token);
  EXPECT_EQ(created.status, 201) << created.body;
  if (created.status != 201) return {};
  EXPECT_EQ(created.json()->optValue<std::string>("name", ""), name);
  EXPECT_EQ(created.json()->optValue<std::string>("description", ""), description);
  return created.json()->optValue<std::string>("id", "");
}

/** Reads a product back by id and expects `name` and `description` byte for byte. */
inline void expectProduct(const Send& send, const std::string& id, const std::string& name,
                          const std::string& description) {
  Reply read = send("GET", "/api/catalog/products/" + id, "", "");
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()->optValue<std::string>("name", ""), name);
  EXPECT_EQ(read.json()->optValue<std::string>("description", ""), description);
}

/**
 * Every round-trip text as a product name and description: created, read back, found by
 * search, changed, and copied into an order line. `run` makes the SKUs unique.
 */
inline void productTextsRoundTrip(const Send& send, const std::string& admin_token,
                                  const std::string& customer_token, const std::string& run) {
  const auto& texts = roundTripTexts();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE(texts[i]);
    const std::string sku = "TEXT-" + run + "-" + std::to_string(i);
    const std::string description = texts[i] + "\nsecond line\twith a tab\r\n" + texts[i];
    const std::string id = createProduct(send, admin_token, sku, texts[i], description);
    if (id.empty()) continue;
    expectProduct(send, id, texts[i], description);

    Reply found = send("GET", "/api/catalog/products?q=" + queryValue(sku), "", "");
    ASSERT_EQ(found.status, 200) << found.body;
    auto items = itemsOf(found);
    ASSERT_EQ(items->size(), 1u) << found.body;
    EXPECT_EQ(items->getObject(0)->optValue<std::string>("name", ""), texts[i]);

    const std::string changed = texts[(i + 1) % texts.size()];
    Poco::JSON::Object patch;
    patch.set("name", changed);
    patch.set("description", changed);
    Reply patched = send("PATCH", "/api/catalog/products/" + id, toJson(patch), admin_token);
    EXPECT_EQ(patched.status, 200) << patched.body;
    expectProduct(send, id, changed, changed);

    Reply ordered =
        send("POST", "/api/orders", R"({"items":[{"product_id":")" + id + R"(","quantity":1}]})",
             customer_token);
    ASSERT_EQ(ordered.status, 201) << ordered.body;
    const std::string order_id = ordered.json()->optValue<std::string>("id", "");
    Reply order = send("GET", "/api/orders/" + order_id, "", customer_token);
    ASSERT_EQ(order.status, 200) << order.body;
    EXPECT_EQ(order.json()->getArray("items")->getObject(0)->optValue<std::string>("name", ""),
              changed);
  }

  // Names of the maximum length in 4-byte characters: 200 code points are 800 bytes.
  std::string long_name;
  std::string long_description;
  for (int i = 0; i < 200; ++i) long_name += "\xf0\x9f\x98\x80";
  for (int i = 0; i < 4000; ++i) long_description += "\xf0\x9f\x9b\x92";
  const std::string id =
      createProduct(send, admin_token, "TEXT-" + run + "-LONG", long_name, long_description);
  if (!id.empty()) expectProduct(send, id, long_name, long_description);
}

/** Control characters the product fields refuse, and nothing is stored. */
inline void productControlCharactersRefused(const Send& send, const std::string& admin_token,
                                            const std::string& run) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {std::string("nul\0inside", 10), "fine"},
      {"fine", std::string("nul\0inside", 10)},
      {"line\nbreak", "fine"},
      {"escape \x1b[31m red", "fine"},
      {"fine", "bell \x07"},
      {"next line \xc2\x85", "fine"},
  };
  for (std::size_t i = 0; i < refused.size(); ++i) {
    const auto& [name, description] = refused[i];
    SCOPED_TRACE(i);
    const std::string sku = "CTRL-" + run + "-" + std::to_string(i);
    Poco::JSON::Object body;
    body.set("sku", sku);
    body.set("name", name);
    body.set("description", description);
    body.set("price_cents", 1);
    body.set("stock", 1);
    Reply created = send("POST", "/api/catalog/products", toJson(body), admin_token);
    EXPECT_EQ(created.status, 400) << created.body;
    Reply found = send("GET", "/api/catalog/products?q=" + sku, "", "");
    EXPECT_EQ(itemsOf(found)->size(), 0u) << found.body;
  }
}

/** SQL metacharacters are refused in a SKU (letters, digits, '.', '_', '-' only). */
inline void skuMetacharactersRefused(const Send& send, const std::string& admin_token) {
  for (const char* sku :
       {"X'; DROP TABLE products; --", "X\\'", "X%", "X\"", "X\xf0\x9f\x98\x80"}) {
    Poco::JSON::Object body;
    body.set("sku", sku);
    body.set("name", "SKU probe");
    body.set("price_cents", 1);
    body.set("stock", 1);
    Reply created = send("POST", "/api/catalog/products", toJson(body), admin_token);
    EXPECT_EQ(created.status, 400) << sku << ": " << created.body;
  }
  EXPECT_EQ(send("GET", "/api/catalog/products?limit=1", "", "").status, 200);
}

/** `%`, `_` and `!` in a search are literal characters, and quotes are plain text. */
inline void searchIsLiteral(const Send& send, const std::string& admin_token,
                            const std::string& run) {
  const std::string tag = "lit" + run;
  const std::vector<std::string> names = {tag + " 100% wool",  tag + " 1000 wool",
                                          tag + " snake_case", tag + " snakexcase",
                                          tag + " wow!",       tag + " wow"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    createProduct(send, admin_token, "LIT-" + run + "-" + std::to_string(i), names[i], "");
  }
  auto matches = [&](const std::string& query) {
    Reply found =
        send("GET", "/api/catalog/products?limit=100&q=" + queryValue(tag + " " + query), "", "");
    EXPECT_EQ(found.status, 200) << found.body;
    std::vector<std::string> result;
    auto items = itemsOf(found);
    for (std::size_t i = 0; i < items->size(); ++i) {
      result.push_back(
          items->getObject(static_cast<unsigned>(i))->optValue<std::string>("name", ""));
    }
    return result;
  };
  EXPECT_EQ(matches("100%"), std::vector<std::string>{names[0]});
  EXPECT_EQ(matches("10%"), std::vector<std::string>{});
  EXPECT_EQ(matches("snake_"), std::vector<std::string>{names[2]});
  EXPECT_EQ(matches("wow!"), std::vector<std::string>{names[4]});
  EXPECT_EQ(matches("' OR '1'='1").size(), 0u);
  Reply everything = send("GET", "/api/catalog/products?limit=100&q=" + queryValue("%"), "", "");
  ASSERT_EQ(everything.status, 200);
  for (std::size_t i = 0; i < itemsOf(everything)->size(); ++i) {
    const std::string name =
        itemsOf(everything)->getObject(static_cast<unsigned>(i))->optValue<std::string>("name", "");
    const std::string sku =
        itemsOf(everything)->getObject(static_cast<unsigned>(i))->optValue<std::string>("sku", "");
    EXPECT_TRUE(name.find('%') != std::string::npos || sku.find('%') != std::string::npos)
        << "q=% matched " << name;
  }
}

/**
 * Display names and email local parts with quotes, backslashes, wildcards and emoji: stored as
 * sent (display names composed to NFC, which these are already), returned by registration,
 * login and /me, and found literally by the admin's email prefix filter. `register_user` posts
 * one registration body to /api/users.
 */
inline void accountTextsRoundTrip(const Send& send, const Send& register_user,
                                  const std::string& admin_token, const std::string& run) {
  const std::vector<std::pair<std::string, std::string>> accounts = {
      {"o'hara+%_" + run + "@example.test", "O'Hara \"The Tester\" \\ '; DROP TABLE users; --"},
      {"x\\y\"z" + run + "\xf0\x9f\x98\x80@example.test", "\xf0\x9f\x98\x80 Ada \xe4\xb8\xad"},
      {"pct%x" + run + "@example.test", "100% _real_"},
      {"pctax" + run + "@example.test", "plain"},
  };
  const std::string password = "a hostile text passphrase " + run;
  for (const auto& [email, display_name] : accounts) {
    SCOPED_TRACE(email);
    Poco::JSON::Object body;
    body.set("email", email);
    body.set("password", password);
    body.set("display_name", display_name);
    Reply registered = register_user("POST", "/api/users", toJson(body), "");
    ASSERT_EQ(registered.status, 201) << registered.body;
    EXPECT_EQ(registered.json()->optValue<std::string>("email", ""), email);
    EXPECT_EQ(registered.json()->optValue<std::string>("display_name", ""), display_name);

    Poco::JSON::Object credentials;
    credentials.set("email", email);
    credentials.set("password", password);
    Reply logged_in = send("POST", "/api/auth/login", toJson(credentials), "");
    ASSERT_EQ(logged_in.status, 200) << logged_in.body;
    const std::string token = logged_in.json()->optValue<std::string>("access_token", "");
    Reply me = send("GET", "/api/users/me", "", token);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(me.json()->optValue<std::string>("email", ""), email);
    EXPECT_EQ(me.json()->optValue<std::string>("display_name", ""), display_name);

    Poco::JSON::Object rename;
    rename.set("display_name", "renamed " + display_name);
    EXPECT_EQ(send("PATCH", "/api/users/me", toJson(rename), token).status, 200);
    EXPECT_EQ(
        send("GET", "/api/users/me", "", token).json()->optValue<std::string>("display_name", ""),
        "renamed " + display_name);
    // A display name refuses control characters, NUL included.
    for (const std::string& bad : {std::string("nul\0x", 5), std::string("new\nline")}) {
      Poco::JSON::Object refused;
      refused.set("display_name", bad);
      EXPECT_EQ(send("PATCH", "/api/users/me", toJson(refused), token).status, 400);
    }
  }

  // The admin's prefix filter treats % and _ literally.
  Reply filtered = send("GET", "/api/users?limit=100&email=" + queryValue("pct%"), "", admin_token);
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  std::vector<std::string> emails;
  for (std::size_t i = 0; i < itemsOf(filtered)->size(); ++i) {
    emails.push_back(
        itemsOf(filtered)->getObject(static_cast<unsigned>(i))->optValue<std::string>("email", ""));
  }
  EXPECT_EQ(std::count(emails.begin(), emails.end(), accounts[2].first), 1) << filtered.body;
  EXPECT_EQ(std::count(emails.begin(), emails.end(), accounts[3].first), 0) << filtered.body;
  Reply underscore =
      send("GET", "/api/users?limit=100&email=" + queryValue("o'hara+%_" + run), "", admin_token);
  ASSERT_EQ(underscore.status, 200);
  EXPECT_EQ(itemsOf(underscore)->size(), 1u) << underscore.body;
}

}  // namespace agora::testing::hostile
