package io.fetchpipe.http.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.util.ByteString;

/**
 * {@code /status/{codes}} as httpbin answers it: an empty HTML body for most statuses, and for a
 * few what a client would find there (a Location for the redirects, a challenge for 401 and 407,
 * the accepted types for 406, a teapot for 418).
 */
final class HttpbinStatuses {
  /** Lowest status answered. */
  static final int LOWEST = 200;

  /** Highest status answered. */
  static final int HIGHEST = 599;

  private HttpbinStatuses() {}

  /**
   * The status to answer with for {@code codes}: one code, or a comma-separated choice of codes,
   * each optionally with a weight ({@code 200:3,500}), picked at random by weight; -1 if the text
   * is no such choice or names a status out of range.
   */
  static int pick(String codes, RandomGenerator random) {
    List<Integer> choices = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    double total = 0;
    for (String choice : codes.split(",", -1)) {
      String[] parts = choice.split(":", -1);
      int code = TestRoutes.parseIntOr(parts[0].strip(), -1);
      double weight;
      try {
        weight = parts.length == 2 ? Double.parseDouble(parts[1]) : 1;
      } catch (NumberFormatException e) {
        return -1;
      }
      if (parts.length > 2 || code < LOWEST || code > HIGHEST || !(weight >= 0)) {
        return -1;
      }
      choices.add(code);
      weights.add(weight);
      total += weight;
    }
    double point = random.nextDouble() * total;
    for (int i = 0; i < choices.size(); i++) {
      point -= weights.get(i);
      if (point < 0) {
        return choices.get(i);
      }
    }
    return choices.get(choices.size() - 1);
  }

  /** The answer for {@code code}. */
  static HttpResponse response(int code) {
    HttpResponse response = HttpResponse.create().withStatus(code);
    return switch (code) {
      case 301, 302, 303, 305, 307 ->
          response.addHeader(RawHeader.create("Location", "/redirect/1"));
      case 401 ->
          response.addHeader(RawHeader.create("WWW-Authenticate", "Basic realm=\"Fake Realm\""));
      case 407 ->
          response.addHeader(RawHeader.create("Proxy-Authenticate", "Basic realm=\"Fake Realm\""));
      case 406 ->
          response.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, notAcceptable()));
      case 418 ->
          response
              .addHeader(RawHeader.create("X-More-Info", "http://tools.ietf.org/html/rfc2324"))
              .withEntity(
                  HttpEntities.create(
                      ContentTypes.NO_CONTENT_TYPE, ByteString.fromString(HttpbinPages.TEAPOT)));
      // 204 and 304 must not carry a body (Pekko HTTP would answer 500 instead).
      default ->
          response.status().allowsEntity()
              ? response.withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, ""))
              : response;
    };
  }

  private static String notAcceptable() {
    ObjectNode body =
        HttpbinContentRoutes.MAPPER
            .createObjectNode()
            .put("message", "Client did not request a supported media type.");
    body.putArray("accept")
        .add("image/webp")
        .add("image/svg+xml")
        .add("image/jpeg")
        .add("image/png")
        .add("image/*");
    return body.toString();
  }
}
