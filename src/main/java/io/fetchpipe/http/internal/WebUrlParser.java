package io.fetchpipe.http.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The WHATWG URL Standard's basic URL parser, cut down to the special schemes http and https: a
 * state machine that reads each code point once (the authority twice), so its time is linear in the
 * input. State and step names follow the standard's so the two can be read side by side. One
 * instance parses one input.
 */
final class WebUrlParser {
  private static final int EOF = -1;
  private static final String NO_SCHEME_MESSAGE = "no scheme (expected http:// or https://)";

  private enum State {
    SCHEME_START,
    SCHEME,
    NO_SCHEME,
    SPECIAL_RELATIVE_OR_AUTHORITY,
    SPECIAL_AUTHORITY_SLASHES,
    SPECIAL_AUTHORITY_IGNORE_SLASHES,
    RELATIVE,
    RELATIVE_SLASH,
    AUTHORITY,
    HOST,
    PORT,
    PATH_START,
    PATH,
    QUERY
  }

  private final int[] in;
  private final WebUrl base;
  private State state = State.SCHEME_START;
  private int pointer;
  private boolean done;
  // Where the text the current state collects began: the standard's buffer is in[start, pointer).
  private int start;
  private boolean atSignSeen;
  private boolean insideBrackets;
  private boolean passwordTokenSeen;

  private String scheme;
  private final StringBuilder username = new StringBuilder();
  private final StringBuilder password = new StringBuilder();
  private String host;
  private int port = -1;
  private List<String> path = new ArrayList<>();
  private final StringBuilder segment = new StringBuilder();
  private StringBuilder query;

  private WebUrlParser(int[] in, WebUrl base) {
    this.in = in;
    this.base = base;
  }

  /** Parses {@code input}, relative to {@code base} when that is not null. */
  static WebUrl parse(String input, WebUrl base) {
    int[] in = prepare(input);
    if (in.length == 0 && base == null) {
      throw new WebUrl.InvalidUrlException("empty URL");
    }
    return new WebUrlParser(in, base).run();
  }

  /**
   * Strips leading and trailing C0 controls and spaces and removes tab, LF and CR anywhere, as the
   * standard does; any other control character left is an error (a browser would percent-encode it,
   * but in a list of URLs it means a broken line, not an address).
   */
  private static int[] prepare(String input) {
    int begin = 0;
    int end = input.length();
    while (begin < end && input.charAt(begin) <= 0x20) {
      begin++;
    }
    while (end > begin && input.charAt(end - 1) <= 0x20) {
      end--;
    }
    int[] out = new int[end - begin];
    int n = 0;
    for (int i = begin; i < end; ) {
      int c = input.codePointAt(i);
      i += Character.charCount(c);
      if (c == '\t' || c == '\n' || c == '\r') {
        continue;
      }
      if (c < 0x20 || c == 0x7F) {
        throw new WebUrl.InvalidUrlException(String.format("control character U+%04X in URL", c));
      }
      out[n++] = c;
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private WebUrl run() {
    for (pointer = 0; ; pointer++) {
      step(pointer < in.length ? in[pointer] : EOF);
      if (done || pointer >= in.length) {
        break;
      }
    }
    StringBuilder serializedPath = new StringBuilder();
    for (String s : path) {
      serializedPath.append('/').append(s);
    }
    return new WebUrl(
        scheme,
        username.toString(),
        password.toString(),
        host,
        port,
        serializedPath.toString(),
        query == null ? null : query.toString());
  }

  private void step(int c) {
    switch (state) {
      case SCHEME_START -> schemeStart(c);
      case SCHEME -> scheme(c);
      case NO_SCHEME -> noScheme();
      case SPECIAL_RELATIVE_OR_AUTHORITY -> specialRelativeOrAuthority(c);
      case SPECIAL_AUTHORITY_SLASHES -> specialAuthoritySlashes(c);
      case SPECIAL_AUTHORITY_IGNORE_SLASHES -> specialAuthorityIgnoreSlashes(c);
      case RELATIVE -> relative(c);
      case RELATIVE_SLASH -> relativeSlash(c);
      case AUTHORITY -> authority(c);
      case HOST -> host(c);
      case PORT -> port(c);
      case PATH_START -> pathStart(c);
      case PATH -> path(c);
      case QUERY -> query(c);
    }
  }

  private void schemeStart(int c) {
    if (isAsciiAlpha(c)) {
      start = pointer;
      state = State.SCHEME;
    } else {
      state = State.NO_SCHEME;
      pointer--;
    }
  }

  private void scheme(int c) {
    if (isAsciiAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
      return;
    }
    if (c != ':') {
      // Not a scheme after all (e.g. "example.com/a"): start over without one.
      state = State.NO_SCHEME;
      pointer = -1;
      return;
    }
    scheme = new String(in, start, pointer - start).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new WebUrl.InvalidUrlException(
          "unsupported scheme " + WebUrl.InvalidUrlException.quoted(scheme));
    }
    // "http:foo" against an http base is relative; against anything else it names host "foo".
    state =
        base != null && base.scheme().equals(scheme)
            ? State.SPECIAL_RELATIVE_OR_AUTHORITY
            : State.SPECIAL_AUTHORITY_SLASHES;
  }

  private void noScheme() {
    if (base == null) {
      throw new WebUrl.InvalidUrlException(NO_SCHEME_MESSAGE);
    }
    state = State.RELATIVE;
    pointer--;
  }

  private void specialRelativeOrAuthority(int c) {
    if (c == '/' && peek() == '/') {
      state = State.SPECIAL_AUTHORITY_IGNORE_SLASHES;
      pointer++;
    } else {
      state = State.RELATIVE;
      pointer--;
    }
  }

  private void specialAuthoritySlashes(int c) {
    state = State.SPECIAL_AUTHORITY_IGNORE_SLASHES;
    if (c == '/' && peek() == '/') {
      pointer++;
    } else {
      pointer--;
    }
  }

  private void specialAuthorityIgnoreSlashes(int c) {
    if (!isSlash(c)) {
      state = State.AUTHORITY;
      start = pointer;
      pointer--;
    }
  }

  private void relative(int c) {
    scheme = base.scheme();
    if (isSlash(c)) {
      state = State.RELATIVE_SLASH;
      return;
    }
    copyBaseAuthority();
    path = new ArrayList<>(Arrays.asList(base.path().substring(1).split("/", -1)));
    query = base.query() == null ? null : new StringBuilder(base.query());
    if (c == '?') {
      query = new StringBuilder();
      state = State.QUERY;
    } else if (c == '#') {
      done = true;
    } else if (c != EOF) {
      query = null;
      shortenPath();
      state = State.PATH;
      pointer--;
    }
  }

  private void relativeSlash(int c) {
    if (isSlash(c)) {
      state = State.SPECIAL_AUTHORITY_IGNORE_SLASHES;
    } else {
      copyBaseAuthority();
      state = State.PATH;
      pointer--;
    }
  }

  private void authority(int c) {
    if (c == '@') {
      // Every '@' but the last belongs to the credentials, so each one seen ends a part of them.
      appendUserinfo(start, pointer);
      start = pointer + 1;
    } else if (isAuthorityEnd(c)) {
      if (atSignSeen && start == pointer) {
        throw new WebUrl.InvalidUrlException("no host");
      }
      // The host starts after the last '@', or where the authority does: read it from there.
      pointer = start - 1;
      state = State.HOST;
    }
  }

  private void appendUserinfo(int from, int to) {
    if (atSignSeen) {
      (passwordTokenSeen ? password : username).append("%40");
    }
    atSignSeen = true;
    for (int i = from; i < to; i++) {
      if (in[i] == ':' && !passwordTokenSeen) {
        passwordTokenSeen = true;
      } else {
        StringBuilder target = passwordTokenSeen ? password : username;
        PercentEncoding.append(target, in, i, PercentEncoding.USERINFO);
      }
    }
  }

  private void host(int c) {
    if (c == ':' && !insideBrackets) {
      host = parseHost();
      state = State.PORT;
      start = pointer + 1;
    } else if (isAuthorityEnd(c)) {
      host = parseHost();
      state = State.PATH_START;
      pointer--;
    } else if (c == '[') {
      insideBrackets = true;
    } else if (c == ']') {
      insideBrackets = false;
    }
  }

  private String parseHost() {
    if (start == pointer) {
      throw new WebUrl.InvalidUrlException("no host");
    }
    return HostParser.parse(in, start, pointer);
  }

  private void port(int c) {
    if (c >= '0' && c <= '9') {
      return;
    }
    if (!isAuthorityEnd(c)) {
      int end = pointer;
      while (end < in.length && !isAuthorityEnd(in[end])) {
        end++;
      }
      throw invalidPort(end);
    }
    if (pointer > start) {
      long value = 0;
      for (int i = start; i < pointer; i++) {
        value = Math.min(value * 10 + (in[i] - '0'), 1L << 20);
      }
      if (value > 65535) {
        throw invalidPort(pointer);
      }
      port = value == WebUrl.defaultPort(scheme) ? -1 : (int) value;
    }
    state = State.PATH_START;
    pointer--;
  }

  private WebUrl.InvalidUrlException invalidPort(int end) {
    return new WebUrl.InvalidUrlException(
        "invalid port " + WebUrl.InvalidUrlException.quoted(new String(in, start, end - start)));
  }

  private void pathStart(int c) {
    state = State.PATH;
    if (!isSlash(c)) {
      pointer--;
    }
  }

  private void path(int c) {
    if (c != EOF && !isSlash(c) && c != '?' && c != '#') {
      PercentEncoding.append(segment, in, pointer, PercentEncoding.PATH);
      return;
    }
    if (isDoubleDot(segment)) {
      shortenPath();
      if (!isSlash(c)) {
        path.add("");
      }
    } else if (isSingleDot(segment)) {
      if (!isSlash(c)) {
        path.add("");
      }
    } else {
      path.add(segment.toString());
    }
    segment.setLength(0);
    if (c == '?') {
      query = new StringBuilder();
      state = State.QUERY;
    } else if (c == '#') {
      done = true;
    }
  }

  private void query(int c) {
    if (c == '#') {
      done = true; // the fragment is never sent
    } else if (c != EOF) {
      PercentEncoding.append(query, in, pointer, PercentEncoding.QUERY);
    }
  }

  private void copyBaseAuthority() {
    username.append(base.username());
    password.append(base.password());
    host = base.host();
    port = base.explicitPort();
  }

  private void shortenPath() {
    if (!path.isEmpty()) {
      path.remove(path.size() - 1);
    }
  }

  private int peek() {
    return pointer + 1 < in.length ? in[pointer + 1] : EOF;
  }

  /** For http and https a backslash is a slash, as browsers have always treated it. */
  private static boolean isSlash(int c) {
    return c == '/' || c == '\\';
  }

  private static boolean isAuthorityEnd(int c) {
    return c == EOF || isSlash(c) || c == '?' || c == '#';
  }

  private static boolean isAsciiAlpha(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** {@code .} or {@code %2e}, any case. */
  private static boolean isSingleDot(CharSequence s) {
    return s.length() == 1 ? s.charAt(0) == '.' : s.length() == 3 && isEncodedDot(s, 0);
  }

  /** {@code ..}, {@code .%2e}, {@code %2e.} or {@code %2e%2e}, any case. */
  private static boolean isDoubleDot(CharSequence s) {
    return switch (s.length()) {
      case 2 -> s.charAt(0) == '.' && s.charAt(1) == '.';
      case 4 ->
          (s.charAt(0) == '.' && isEncodedDot(s, 1)) || (isEncodedDot(s, 0) && s.charAt(3) == '.');
      case 6 -> isEncodedDot(s, 0) && isEncodedDot(s, 3);
      default -> false;
    };
  }

  private static boolean isEncodedDot(CharSequence s, int i) {
    return s.charAt(i) == '%'
        && s.charAt(i + 1) == '2'
        && (s.charAt(i + 2) == 'e' || s.charAt(i + 2) == 'E');
  }
}
