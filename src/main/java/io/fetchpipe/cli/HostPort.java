package io.fetchpipe.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A node's address on the command line, {@code HOST:PORT} ({@code [::1]:2552} for IPv6).
 *
 * @param host the host name or address
 * @param port the port, 0 for a free one
 */
record HostPort(String host, int port) {
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** picocli's converter, with a one-line reason for a bad value. */
  static final class Converter implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new TypeConversionException("'" + value + "' is not HOST:PORT");
      }
      String host = value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' has no valid port");
      }
      if (port < 0 || port > 65535) {
        throw new TypeConversionException("'" + value + "': port must be 0 to 65535");
      }
      return new HostPort(host, port);
    }
  }
}
