package io.fetchpipe.cli;

import io.fetchpipe.core.Order;
import io.fetchpipe.core.RateLimit;
import io.fetchpipe.http.Header;
import io.fetchpipe.http.PinnedAddress;
import io.fetchpipe.stream.JsonLines;
import io.fetchpipe.stream.RequestTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.pekko.util.ByteString;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fetchpipe fetch [options] [FILE|-]}: one JSON line per request on stdout (or -o FILE). */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Fetch every URL of FILE (one per line; - or none: stdin) and print one JSON line per URL.",
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {
      " 0:every line ok",
      " 1:at least one error line (all lines still written), or the output could not be written",
      " 2:usage error (unknown option, bad value, unreadable FILE): one line on stderr, nothing fetched",
      "130:stopped by SIGINT: completed results written, unfinished URLs without a line",
      "141:standard output closed by its reader (fetchpipe fetch FILE | head)",
      "143:stopped by SIGTERM, as for SIGINT"
    })
final class FetchCommand implements Callable<Integer> {
  /** The order results are written in. */
  enum OrderOption {
    input,
    completion
  }

  /** How input lines are read. */
  enum InputFormat {
    lines,
    jsonl
  }

  /** Whether hosts' robots.txt is obeyed. */
  enum RobotsOption {
    obey,
    ignore
  }

  /** What of each body goes into its line. */
  enum BodyOption {
    text,
    base64,
    json
  }

  @ParentCommand FetchpipeCommand parent;

  @Mixin Verbosity verbosity;

  @Mixin NetworkOptions network;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "input: a file, a named pipe, <(command) or /dev/stdin; - or none reads stdin")
  String file;

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      converter = Converters.Positive.class,
      description = "max requests in flight (default: from config (5))")
  Integer concurrency;

  @Option(
      names = "--per-host",
      paramLabel = "N",
      converter = Converters.Positive.class,
      description =
          "max requests in flight to one host, scheme+host+port (default: no extra limit)")
  Integer perHost;

  @Option(
      names = "--per-host-rate",
      paramLabel = "N/UNIT",
      converter = Converters.Rate.class,
      description =
          "max request starts per s, min or h to one host, evenly spaced; other hosts keep flowing "
              + "(default: unlimited)")
  RateLimit perHostRate;

  @Option(
      names = {"-r", "--rate"},
      paramLabel = "N/UNIT",
      converter = Converters.Rate.class,
      description =
          "max request starts per s, min or h, evenly spaced; retries count (default: unlimited)")
  RateLimit rate;

  @Option(
      names = "--adaptive",
      description =
          "per host, follow what the server says: 429/503, timeouts and connect failures halve its "
              + "concurrency and start rate, successes grow them back; Retry-After pauses the host; rate-limit "
              + "headers pace it (default: off)")
  boolean adaptive;

  @Option(
      names = "--robots",
      paramLabel = "obey|ignore",
      description =
          "obey: fetch each host's /robots.txt first, skip disallowed URLs (kind robots), keep its "
              + "Crawl-delay (default: ignore)")
  RobotsOption robots;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "DURATION",
      converter = Converters.PositiveDuration.class,
      description =
          "per attempt, from send to the last body byte: 500ms, 2s, 1.5s, 1m, 1h (default: 10s)")
  Duration timeout;

  @Option(
      names = "--retries",
      paramLabel = "N",
      converter = Converters.NonNegative.class,
      description =
          "extra attempts after connect, timeout, io errors and 429/502/503/504 (default: 0)")
  Integer retries;

  @Option(
      names = "--backoff",
      paramLabel = "DURATION",
      converter = Converters.PositiveDuration.class,
      description =
          "base of the exponential backoff with full jitter; Retry-After overrides it"
              + " (default: 200ms)")
  Duration backoff;

  @Option(
      names = "--order",
      paramLabel = "input|completion",
      description =
          "input: lines in input order (gather); completion: as they finish (as_completed) "
              + "(default: input)")
  OrderOption order = OrderOption.input;

  @Option(
      names = "--fail-fast",
      description =
          "at the first error, cancel the rest; each still gets a line, kind cancelled"
              + " (default: off)")
  boolean failFast;

  @Option(
      names = "--raise-for-status",
      description = "status >= 400 (after retries) is an error, kind http-status (default: off)")
  boolean raiseForStatus;

  @Option(
      names = "--max-body",
      paramLabel = "SIZE",
      converter = Converters.Size.class,
      description = "largest body: B, KiB, MiB, GiB, KB, MB, GB (default: 8MiB)")
  Long maxBody;

  @Option(
      names = "--max-redirects",
      paramLabel = "N",
      converter = Converters.NonNegative.class,
      description = "follow up to N redirects (default: 0 (not followed))")
  Integer maxRedirects;

  @Option(
      names = "--circuit-breaker",
      paramLabel = "N",
      converter = Converters.NonNegative.class,
      description =
          "after N consecutive failures to a host, fail its URLs at once, kind circuit-open "
              + "(default: 0 (off))")
  Integer circuitBreaker;

  @Option(
      names = "--circuit-reset",
      paramLabel = "DURATION",
      converter = Converters.PositiveDuration.class,
      description = "how long an open circuit stays open before a trial request (default: 30s)")
  Duration circuitReset;

  @Option(
      names = {"-X", "--method"},
      paramLabel = "M",
      description =
          "request method: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS; POST with -d"
              + " (default: GET)")
  String method;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "'Name: value'",
      description =
          "request header, repeatable; a header given twice is sent twice"
              + " (default: User-Agent: fetchpipe/VERSION)")
  List<String> headers = new ArrayList<>();

  @Option(
      names = {"-d", "--data"},
      paramLabel = "TEXT",
      description =
          "request body sent with every request; Content-Type application/x-www-form-urlencoded "
              + "unless -H sets it (default: none)")
  String data;

  @Option(
      names = "--data-file",
      paramLabel = "FILE",
      description = "request body read from FILE, sent with every request (default: none)")
  Path dataFile;

  @Option(
      names = "--input",
      paramLabel = "lines|jsonl",
      description =
          "lines: one URL per line; jsonl: one JSON request object per line (default: lines)")
  InputFormat input = InputFormat.lines;

  @Option(
      names = "--resolve",
      paramLabel = "HOST:PORT:ADDR",
      converter = Converters.Pin.class,
      description =
          "connect to ADDR for HOST:PORT instead of what HOST resolves to, like curl's --resolve;"
              + " repeatable (default: none)")
  List<PinnedAddress> resolve = new ArrayList<>();

  @Option(
      names = "--compressed",
      description =
          "ask for gzip/deflate bodies and decode them; sizes count the decoded body (default: off)")
  boolean compressed;

  @Option(
      names = "--body",
      paramLabel = "text|base64|json",
      description =
          "put the body in each line: as text (by its charset), base64, or parsed JSON"
              + " (default: not included)")
  BodyOption body;

  @Option(
      names = "--save",
      paramLabel = "DIR",
      description = "write each body to DIR/<index>.body; lines get file and sha256 (default: off)")
  Path save;

  @Option(
      names = "--hash",
      description =
          "add sha256 (of the body as counted) to each line with a response (default: off)")
  boolean hash;

  @Option(
      names = "--include-headers",
      description = "add the response headers to each line, names lowercase (default: off)")
  boolean includeHeaders;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "write JSON lines to FILE, truncated unless --resume (default: stdout)")
  Path output;

  @Option(
      names = "--resume",
      description =
          "with -o: keep the lines already in FILE and fetch only the rest (default: off)")
  boolean resume;

  @Option(
      names = "--cluster",
      paramLabel = "HOST:PORT",
      converter = HostPort.Converter.class,
      description =
          "coordinate a cluster: bind here as its seed node and spread the fetches over the workers "
              + "that join (default: no cluster)")
  HostPort cluster;

  @Option(
      names = "--min-workers",
      paramLabel = "N",
      converter = Converters.NonNegative.class,
      description =
          "with --cluster: worker nodes to wait for before the first request (default: 1)")
  Integer minWorkers;

  @Option(
      names = "--no-local",
      description = "with --cluster: only coordinate; fetch nothing in this process (default: off)")
  boolean noLocal;

  @Option(
      names = "--progress",
      negatable = true,
      description =
          "progress bar on stderr: done, ok, failed, rate, time left"
              + " (default: on when stderr is a terminal)")
  Boolean progress;

  @Option(
      names = {"-q", "--quiet"},
      description = "no summary line (default: off)")
  boolean quiet;

  @Option(
      names = "--stats",
      paramLabel = "FILE",
      description =
          "at the end (or when stopped), the run's figures as one JSON object to FILE; - for stderr"
              + " (default: off)")
  String stats;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description =
          "at the end (or when stopped), a self-contained HTML report of the run to FILE (default: off)")
  Path report;

  @Option(
      names = "--metrics",
      paramLabel = "HOST:PORT",
      converter = HostPort.Converter.class,
      description =
          "while running, serve Prometheus metrics at http://HOST:PORT/metrics (default: off)")
  HostPort metrics;

  @Override
  public Integer call() {
    verbosity.apply();
    return new FetchRun(parent.console, options()).run();
  }

  private FetchOptions options() {
    Path inputFile = file == null || file.equals("-") ? null : Inputs.checkReadable(file);
    if (resume && output == null) {
      throw new UsageException("--resume needs -o FILE");
    }
    if (output != null && Files.isDirectory(output)) {
      throw new UsageException("cannot write " + output + ": it is a directory");
    }
    if (save != null && body != null) {
      throw new UsageException("--save and --body cannot be combined: a saved body stays on disk");
    }
    if (save != null) {
      SaveDirectory.prepare(save);
    }
    if (cluster == null && (minWorkers != null || noLocal)) {
      throw new UsageException(
          (noLocal ? "--no-local" : "--min-workers") + " needs --cluster HOST:PORT");
    }
    ClusterOptions clusterOptions =
        cluster == null
            ? null
            : new ClusterOptions(cluster, minWorkers == null ? 1 : minWorkers, noLocal);
    if (clusterOptions != null && clusterOptions.noLocal() && clusterOptions.minWorkers() == 0) {
      throw new UsageException("--no-local with --min-workers 0: nothing would fetch");
    }
    Overrides overrides =
        new Overrides(
            concurrency,
            perHost,
            perHostRate,
            rate,
            timeout,
            retries,
            backoff,
            raiseForStatus,
            maxBody,
            maxRedirects,
            circuitBreaker,
            circuitReset,
            compressed,
            hash || save != null,
            List.copyOf(resolve),
            network.resolve(parent.console.environment()),
            adaptive,
            robots == null ? null : robots == RobotsOption.obey);
    boolean showProgress = progress != null ? progress : parent.console.errIsTerminal();
    return new FetchOptions(
        inputFile,
        input == InputFormat.jsonl,
        template(),
        overrides,
        order == OrderOption.input ? Order.INPUT : Order.COMPLETION,
        failFast,
        output,
        resume,
        save,
        bodyField(),
        includeHeaders,
        showProgress,
        quiet,
        clusterOptions,
        NumbersOptions.checked(stats, report, metrics));
  }

  private JsonLines.BodyField bodyField() {
    if (body == null) {
      return JsonLines.BodyField.NONE;
    }
    return switch (body) {
      case text -> JsonLines.BodyField.TEXT;
      case base64 -> JsonLines.BodyField.BASE64;
      case json -> JsonLines.BodyField.JSON;
    };
  }

  private RequestTemplate template() {
    List<Header> parsed = new ArrayList<>(headers.size());
    for (String header : headers) {
      parsed.add(header(header));
    }
    try {
      return new RequestTemplate(method, parsed, requestBody());
    } catch (IllegalArgumentException e) {
      throw new UsageException("invalid value for -X: " + e.getMessage());
    }
  }

  private static Header header(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new UsageException("invalid header '" + text + "': expected 'Name: value'");
    }
    try {
      return new Header(text.substring(0, colon).trim(), text.substring(colon + 1).strip());
    } catch (IllegalArgumentException e) {
      throw new UsageException("invalid header '" + text + "': " + e.getMessage());
    }
  }

  private ByteString requestBody() {
    if (data != null && dataFile != null) {
      throw new UsageException("use either -d or --data-file, not both");
    }
    if (data != null) {
      return ByteString.fromString(data, StandardCharsets.UTF_8);
    }
    if (dataFile == null) {
      return null;
    }
    try {
      return ByteString.fromArray(Files.readAllBytes(dataFile));
    } catch (IOException e) {
      throw new UsageException("cannot read " + dataFile + ": " + Inputs.reason(e));
    }
  }
}
