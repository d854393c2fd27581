// Sends the single GET of `agora probe` and turns its response status into an exit status.
#include "app/Probe.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

namespace agora::app {

int probe(const std::string& url, std::chrono::milliseconds timeout, std::ostream& out) {
  try {
    Poco::URI uri(url);
    if (uri.getScheme() != "http" || uri.getHost().empty()) {
      out << "probe: invalid URL '" << url << "': use http://HOST:PORT/PATH\n";
      return 1;
    }
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    const Poco::Timespan limit(static_cast<long>(timeout.count() / 1000),
                               static_cast<long>(timeout.count() % 1000) * 1000);
    session.setTimeout(limit, limit, limit);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost(uri.getHost(), uri.getPort());
    session.sendRequest(request);

    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    Poco::NullOutputStream discard;
    Poco::StreamCopier::copyStream(body, discard);
    const int status = response.getStatus();
    out << "probe: " << url << " answered " << status << " " << response.getReason() << "\n";
    return status >= 200 && status < 300 ? 0 : 1;
  } catch (const Poco::Exception& error) {
    out << "probe: " << url << " failed: " << error.displayText() << "\n";
  } catch (const std::exception& error) {
    out << "probe: " << url << " failed: " << error.what() << "\n";
  }
  return 1;
}

}  // namespace agora::app
