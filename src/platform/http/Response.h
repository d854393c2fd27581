// What a handler returns: a status, an optional JSON body and extra headers.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <string>
#include <utility>
#include <vector>

namespace agora::http {

/** A handler's result. An empty body with status 204 sends no content. */
struct Response {
  int status = 200;
  Poco::Dynamic::Var body;  // a JSON object or array; empty for no body
  std::string content_type = "application/json; charset=utf-8";
  std::string raw_body;     // sent as is when set (e.g. the OpenAPI document)
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(int status, Poco::Dynamic::Var body) {
    Response response;
    response.status = status;
    response.body = std::move(body);
    return response;
  }
  static Response noContent() {
    Response response;
    response.status = 204;
    return response;
  }
  Response& withHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace agora::http
