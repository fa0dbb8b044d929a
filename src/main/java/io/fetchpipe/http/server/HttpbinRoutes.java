package io.fetchpipe.http.server;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractClientIP;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.parameterList;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.rawPathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.slash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fetchpipe.core.Delay;
import io.fetchpipe.http.server.RequestEcho.Key;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.DateTime;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Multipart;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.headers.BasicHttpCredentials;
import org.apache.pekko.http.javadsl.model.headers.Cookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCookiePair;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.SetCookie;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;

/**
 * httpbin's routes that describe the request or answer by it: the echo routes ({@code /get}, {@code
 * /post}, {@code /put}, {@code /patch}, {@code /delete}, {@code /anything}, {@code /headers},
 * {@code /user-agent}, {@code /ip}, {@code /uuid}, {@code /delay/{n}}), statuses, redirects,
 * authentication, cookies and caching, each with httpbin's status, content type, headers and JSON
 * keys. The routes that answer with content are {@link HttpbinContentRoutes}.
 */
final class HttpbinRoutes {
  private static final Key[] GET_KEYS = {Key.URL, Key.ARGS, Key.HEADERS, Key.ORIGIN};
  private static final Key[] BODY_KEYS = {
    Key.URL, Key.ARGS, Key.FORM, Key.DATA, Key.ORIGIN, Key.HEADERS, Key.FILES, Key.JSON
  };
  private static final Key[] ANYTHING_KEYS = {
    Key.URL, Key.ARGS, Key.HEADERS, Key.ORIGIN, Key.METHOD, Key.FORM, Key.DATA, Key.FILES, Key.JSON
  };
  private static final Key[] DELAY_KEYS = {
    Key.URL, Key.ARGS, Key.FORM, Key.DATA, Key.ORIGIN, Key.HEADERS, Key.FILES
  };
  private static final HttpHeader FAKE_REALM =
      RawHeader.create("WWW-Authenticate", "Basic realm=\"Fake Realm\"");
  // How long an echo waits for a request body; the server's request-timeout usually ends it first.
  private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(60);

  private final ActorSystem<?> system;
  private final ServerSettings settings;
  private final Materializer materializer;

  HttpbinRoutes(ActorSystem<?> system, ServerSettings settings) {
    this.system = system;
    this.settings = settings;
    this.materializer = Materializer.matFromSystem(system);
  }

  /** The routes. */
  Route route() {
    return concat(
        path("get", () -> getOrHead(() -> echo(GET_KEYS))),
        path("post", () -> Directives.post(() -> echo(BODY_KEYS))),
        path("put", () -> Directives.put(() -> echo(BODY_KEYS))),
        path("patch", () -> Directives.patch(() -> echo(BODY_KEYS))),
        path("delete", () -> Directives.delete(() -> echo(BODY_KEYS))),
        pathPrefix(
            "anything",
            () ->
                concat(
                    pathEnd(() -> echo(ANYTHING_KEYS)),
                    rawPathPrefix(slash(), () -> echo(ANYTHING_KEYS)))),
        // Any method gets its status, as from httpbin.
        pathPrefix("status", () -> path(segment(), this::status)),
        // Any method is redirected, as by most servers: the client decides what the next hop sends.
        pathPrefix("redirect", () -> path(segment(), this::redirectChain)),
        path("redirect-to", () -> parameterList(this::redirectTo)),
        getRoutes());
  }

  private static Route getOrHead(Supplier<Route> inner) {
    return TestRoutes.read(inner);
  }

  private Route getRoutes() {
    return concat(
        path("headers", () -> getOrHead(() -> echo(RequestEcho.Key.HEADERS))),
        path("user-agent", () -> getOrHead(this::userAgent)),
        path("ip", () -> getOrHead(() -> echo(Key.ORIGIN))),
        path(
            "uuid",
            () ->
                getOrHead(
                    () ->
                        complete(
                            json(
                                HttpbinContentRoutes.MAPPER
                                    .createObjectNode()
                                    .put("uuid", UUID.randomUUID().toString()))))),
        pathPrefix("delay", () -> path(segment(), seconds -> getOrHead(() -> delay(seconds)))),
        pathPrefix(
            "relative-redirect",
            () -> path(segment(), hops -> getOrHead(() -> redirects(hops, false, false)))),
        pathPrefix(
            "absolute-redirect",
            () -> path(segment(), hops -> getOrHead(() -> redirects(hops, true, true)))),
        pathPrefix(
            "basic-auth",
            () ->
                path(
                    segment().slash(segment()),
                    (user, password) ->
                        getOrHead(() -> basicAuth(user, password, StatusCodes.UNAUTHORIZED)))),
        pathPrefix(
            "hidden-basic-auth",
            () ->
                path(
                    segment().slash(segment()),
                    (user, password) ->
                        getOrHead(() -> basicAuth(user, password, StatusCodes.NOT_FOUND)))),
        path("bearer", () -> getOrHead(this::bearer)),
        pathPrefix(
            "cookies",
            () ->
                concat(
                    pathEnd(() -> getOrHead(this::cookies)),
                    path("set", () -> getOrHead(() -> parameterList(this::setCookies))),
                    path(
                        segment("set").slash(segment()).slash(segment()),
                        (name, value) ->
                            getOrHead(() -> setCookies(List.of(Map.entry(name, value))))),
                    path("delete", () -> getOrHead(() -> parameterList(this::deleteCookies))))),
        pathPrefix(
            "cache",
            () ->
                concat(
                    pathEnd(() -> getOrHead(this::cache)),
                    path(segment(), seconds -> getOrHead(() -> cacheFor(seconds))))),
        pathPrefix("etag", () -> path(segment(), etag -> getOrHead(() -> etag(etag)))));
  }

  private Route userAgent() {
    return extractRequest(
        request ->
            complete(
                json(
                    HttpbinContentRoutes.MAPPER
                        .createObjectNode()
                        .put(
                            "user-agent",
                            request.getHeader("User-Agent").map(HttpHeader::value).orElse("")))));
  }

  static HttpResponse json(ObjectNode body) {
    return HttpbinContentRoutes.json(body);
  }

  // --- echo ---

  /** Answers with the request described under {@code keys}, its body read first. */
  private Route echo(Key... keys) {
    return described(echo -> CompletableFuture.completedFuture(json(echo.describe(keys))));
  }

  /** Reads the request's body and form, then answers with what {@code answer} makes of them. */
  private Route described(Function<RequestEcho, CompletionStage<HttpResponse>> answer) {
    return extractClientIP(
        client ->
            extractRequest(
                request ->
                    completeWithFuture(
                        read(request, client.getAddress().orElse(null))
                            .thenCompose(
                                echo ->
                                    echo == null
                                        ? CompletableFuture.completedFuture(tooLarge())
                                        : answer.apply(echo)))));
  }

  /**
   * The request with its body read whole (and its form parsed), or null when the body is over the
   * limit.
   */
  private CompletionStage<RequestEcho> read(HttpRequest request, InetAddress client) {
    long limit = settings.maxRequestBody();
    if (request.entity().getContentLengthOption().orElse(0) > limit) {
      return CompletableFuture.completedFuture(null);
    }
    // withSizeLimit replaces the server's max-content-length for this body.
    return request
        .entity()
        .withSizeLimit(limit)
        .toStrict(BODY_READ_TIMEOUT.toMillis(), limit, system)
        .thenCompose(
            strict ->
                form(strict)
                    .thenApply(form -> new RequestEcho(request, strict.getData(), form, client)))
        .exceptionally(
            error -> {
              Throwable cause =
                  error instanceof CompletionException && error.getCause() != null
                      ? error.getCause()
                      : error;
              if (cause instanceof EntityStreamSizeException) {
                return null;
              }
              // Answered as a server error: the failure arrives wrapped, which Pekko's handler
              // answers with 500.
              throw error instanceof CompletionException completion
                  ? completion
                  : new CompletionException(error);
            });
  }

  /**
   * A multipart form body's parts, or null for any other body (or one that is no valid multipart).
   */
  private CompletionStage<Multipart.FormData.Strict> form(HttpEntity.Strict body) {
    if (!RequestEcho.isMultipartForm(body.getContentType())) {
      return CompletableFuture.completedFuture(null);
    }
    return Unmarshaller.entityToMultipartFormData()
        .unmarshal(body, materializer)
        .thenCompose(form -> form.toStrict(BODY_READ_TIMEOUT.toMillis(), materializer))
        .exceptionally(notMultipart -> null);
  }

  private HttpResponse tooLarge() {
    return HttpResponse.create()
        .withStatus(StatusCodes.CONTENT_TOO_LARGE)
        .withEntity("request body over " + settings.maxRequestBody() + " bytes\n");
  }

  /**
   * After {@code seconds} (decimals allowed, at most the server's max-delay), the request
   * described.
   */
  private Route delay(String seconds) {
    double value;
    try {
      value = Double.parseDouble(seconds);
    } catch (NumberFormatException e) {
      return TestRoutes.badRequest("delay must be a number of seconds, got '" + seconds + "'");
    }
    Duration delay = Duration.ofNanos((long) (value * 1e9));
    if (!(value >= 0) || delay.compareTo(settings.maxDelay()) > 0) {
      return TestRoutes.badRequest(
          "delay must be between 0 and " + settings.maxDelay().toSeconds() + " seconds");
    }
    // The wait starts as the request is routed, not once its body is read: a test in virtual
    // time may move the clock as soon as the server has counted the request.
    return extractRequest(
        request -> {
          CompletionStage<Void> waited = Delay.sleep(system, delay);
          return described(echo -> waited.thenApply(done -> json(echo.describe(DELAY_KEYS))));
        });
  }

  // --- statuses and redirects ---

  /** One status, or one picked at random (by weight) of several: {@code 200,500:2}. */
  private Route status(String codes) {
    int code = HttpbinStatuses.pick(codes, ThreadLocalRandom.current());
    if (code < 0) {
      return complete(
          HttpResponse.create()
              .withStatus(StatusCodes.BAD_REQUEST)
              .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "Invalid status code"));
    }
    return complete(HttpbinStatuses.response(code));
  }

  /**
   * {@code /redirect/n}: a chain of n 302s ending at {@code /get}, through {@code
   * /relative-redirect} (or, with {@code ?absolute=true}, {@code /absolute-redirect}).
   */
  private Route redirectChain(String hops) {
    return parameterOptional(
        "absolute",
        absolute -> redirects(hops, absolute.map("true"::equalsIgnoreCase).orElse(false), true));
  }

  /**
   * One hop of a chain of {@code hops} redirects: to {@code /get} at the last one, else to the next
   * hop of the relative or absolute chain; the absolute ones name the server as the Host header
   * does. With {@code page}, the answer carries a short HTML page, as httpbin's redirects made with
   * its web framework do; without, an empty body.
   */
  private Route redirects(String hops, boolean absolute, boolean page) {
    int n = TestRoutes.parseIntOr(hops, -1);
    if (n < 1) {
      return TestRoutes.badRequest("hops must be a whole number of at least 1, got '" + hops + "'");
    }
    String next =
        n == 1 ? "/get" : (absolute ? "/absolute-redirect/" : "/relative-redirect/") + (n - 1);
    return extractRequest(
        request -> {
          String target = absolute ? base(request) + next : next;
          return complete(
              page ? redirectPage(target) : emptyRedirect(StatusCodes.FOUND.intValue(), target));
        });
  }

  /** {@code /redirect-to?url=...&status_code=3xx}: one redirect to exactly the given URL. */
  private Route redirectTo(List<Map.Entry<String, String>> parameters) {
    Optional<String> url = first(parameters, "url");
    if (url.isEmpty()) {
      return TestRoutes.badRequest("redirect-to needs a url parameter");
    }
    int status =
        first(parameters, "status_code")
            .map(code -> TestRoutes.parseIntOr(code, 302))
            .filter(code -> code >= 300 && code < 400)
            .orElse(302);
    return complete(emptyRedirect(status, url.get()));
  }

  /**
   * A 302 to {@code location} with a short HTML page that links there, as httpbin's web framework
   * answers.
   */
  static HttpResponse redirectPage(String location) {
    String escaped =
        location
            .replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\"", "&quot;");
    String page =
        "<!doctype html>\n<html lang=en>\n<title>Redirecting</title>\n<h1>Redirecting</h1>\n"
            + "<p>This resource is at <a href=\""
            + escaped
            + "\">"
            + escaped
            + "</a>.</p>\n";
    return HttpResponse.create()
        .withStatus(StatusCodes.FOUND)
        .addHeader(RawHeader.create("Location", location))
        .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, page));
  }

  private static HttpResponse emptyRedirect(int status, String location) {
    return HttpResponse.create()
        .withStatus(status)
        .addHeader(RawHeader.create("Location", location))
        .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, ""));
  }

  /** The server's base URL as the client named it (its Host header). */
  static String base(HttpRequest request) {
    return request.getUri().getScheme()
        + "://"
        + request
            .getHeader("Host")
            .map(HttpHeader::value)
            .orElse(request.getUri().host().address());
  }

  private static Optional<String> first(List<Map.Entry<String, String>> parameters, String name) {
    return parameters.stream()
        .filter(parameter -> parameter.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  // --- authentication ---

  /**
   * 200 with the user for the right Basic credentials, else {@code refusal} (401 with a challenge,
   * or 404).
   */
  private Route basicAuth(String user, String password, StatusCode refusal) {
    return extractRequest(
        request -> {
          boolean granted =
              request
                  .getHeader(Authorization.class)
                  .filter(header -> header.credentials() instanceof BasicHttpCredentials)
                  .map(header -> (BasicHttpCredentials) header.credentials())
                  .filter(
                      given -> given.username().equals(user) && given.password().equals(password))
                  .isPresent();
          if (granted) {
            return complete(
                json(
                    HttpbinContentRoutes.MAPPER
                        .createObjectNode()
                        .put("authenticated", true)
                        .put("user", user)));
          }
          HttpResponse refused = HttpResponse.create().withStatus(refusal);
          return complete(
              refusal == StatusCodes.UNAUTHORIZED ? refused.addHeader(FAKE_REALM) : refused);
        });
  }

  /** 200 with the token of any {@code Authorization: Bearer} header, else 401 asking for one. */
  private Route bearer() {
    return extractRequest(
        request -> {
          Optional<String> authorization =
              request.getHeader("Authorization").map(HttpHeader::value);
          if (authorization.isEmpty()) {
            return complete(
                HttpResponse.create()
                    .withStatus(StatusCodes.UNAUTHORIZED)
                    .addHeader(RawHeader.create("WWW-Authenticate", "Bearer"))
                    .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, "")));
          }
          String token =
              authorization.get().startsWith("Bearer ")
                  ? authorization.get().substring("Bearer ".length())
                  : authorization.get();
          return complete(
              json(
                  HttpbinContentRoutes.MAPPER
                      .createObjectNode()
                      .put("authenticated", true)
                      .put("token", token)));
        });
  }

  // --- cookies ---

  private Route cookies() {
    return extractRequest(
        request -> {
          ObjectNode body = HttpbinContentRoutes.MAPPER.createObjectNode();
          ObjectNode cookies = body.putObject("cookies");
          for (HttpHeader header : request.getHeaders()) {
            if (header instanceof Cookie cookie) {
              for (HttpCookiePair pair : cookie.getCookies()) {
                cookies.put(pair.name(), pair.value());
              }
            }
          }
          return complete(json(body));
        });
  }

  private Route setCookies(List<Map.Entry<String, String>> cookies) {
    List<HttpHeader> set = new ArrayList<>();
    for (Map.Entry<String, String> cookie : cookies) {
      set.add(
          SetCookie.create(HttpCookie.create(cookie.getKey(), cookie.getValue()).withPath("/")));
    }
    return respondWithHeaders(set, () -> complete(redirectPage("/cookies")));
  }

  private Route deleteCookies(List<Map.Entry<String, String>> cookies) {
    List<HttpHeader> expired = new ArrayList<>();
    for (Map.Entry<String, String> cookie : cookies) {
      expired.add(
          SetCookie.create(
              HttpCookie.create(cookie.getKey(), "")
                  .withExpires(DateTime.create(1970, 1, 1, 0, 0, 0))
                  .withMaxAge(0)
                  .withPath("/")));
    }
    return respondWithHeaders(expired, () -> complete(redirectPage("/cookies")));
  }

  // --- caching ---

  /**
   * 304 for a conditional request; else the request described, with a fresh Last-Modified and ETag.
   */
  private Route cache() {
    return extractRequest(
        request -> {
          if (request.getHeader("If-Modified-Since").isPresent()
              || request.getHeader("If-None-Match").isPresent()) {
            return complete(HttpResponse.create().withStatus(StatusCodes.NOT_MODIFIED));
          }
          return respondWithHeaders(
              List.of(
                  RawHeader.create("Last-Modified", DateTime.now().toRfc1123DateTimeString()),
                  RawHeader.create("ETag", UUID.randomUUID().toString().replace("-", ""))),
              () -> echo(GET_KEYS));
        });
  }

  private Route cacheFor(String seconds) {
    int value = TestRoutes.parseIntOr(seconds, -1);
    if (value < 0) {
      return TestRoutes.badRequest("cache seconds must be a whole number, got '" + seconds + "'");
    }
    return respondWithHeaders(
        List.of(RawHeader.create("Cache-Control", "public, max-age=" + value)),
        () -> echo(GET_KEYS));
  }

  /** A resource whose entity tag is {@code etag}: If-None-Match and If-Match are answered by it. */
  private Route etag(String etag) {
    return extractRequest(
        request -> {
          List<String> noneMatch = tags(request.getHeader("If-None-Match"));
          List<String> match = tags(request.getHeader("If-Match"));
          HttpHeader tag = RawHeader.create("ETag", etag);
          if (!noneMatch.isEmpty()) {
            if (noneMatch.contains(etag) || noneMatch.contains("*")) {
              return complete(
                  HttpResponse.create().withStatus(StatusCodes.NOT_MODIFIED).addHeader(tag));
            }
          } else if (!match.isEmpty() && !match.contains(etag) && !match.contains("*")) {
            return complete(HttpbinStatuses.response(StatusCodes.PRECONDITION_FAILED.intValue()));
          }
          return respondWithHeaders(List.of(tag), () -> echo(GET_KEYS));
        });
  }

  /** The entity tags of an If-Match or If-None-Match header, without quotes or weakness marks. */
  private static List<String> tags(Optional<HttpHeader> header) {
    return header
        .map(
            value ->
                Arrays.stream(value.value().split(","))
                    .map(String::strip)
                    .map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
                    .map(
                        tag ->
                            tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")
                                ? tag.substring(1, tag.length() - 1)
                                : tag)
                    .filter(tag -> !tag.isEmpty())
                    .toList())
        .orElse(List.of());
  }
}
