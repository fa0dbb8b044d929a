package io.fetchpipe.cli;

import java.util.Locale;

/**
 * A small SVG drawing, written as text: the report's charts are drawn by fetchpipe itself, inline
 * in the page, so the page needs no script and no network. Every element is closed and every text
 * escaped, so each drawing is well-formed XML as well as HTML.
 */
final class Svg {
  private final StringBuilder out = new StringBuilder();

  /**
   * A drawing {@code width} by {@code height} pixels, described by {@code title} for readers that
   * cannot see it.
   */
  Svg(int width, int height, String title) {
    out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" role=\"img\"><title>")
        .append(escape(title))
        .append("</title>");
  }

  /** A filled rectangle; {@code tip} shows on hovering. */
  Svg rect(double x, double y, double width, double height, String fill, String tip) {
    out.append("<rect x=\"")
        .append(num(x))
        .append("\" y=\"")
        .append(num(y))
        .append("\" width=\"")
        .append(num(Math.max(0, width)))
        .append("\" height=\"")
        .append(num(Math.max(0, height)))
        .append("\" fill=\"")
        .append(fill)
        .append('"');
    if (tip == null) {
      out.append("/>");
    } else {
      out.append("><title>").append(escape(tip)).append("</title></rect>");
    }
    return this;
  }

  /** A line. */
  Svg line(double x1, double y1, double x2, double y2, String stroke, String dash) {
    out.append("<line x1=\"")
        .append(num(x1))
        .append("\" y1=\"")
        .append(num(y1))
        .append("\" x2=\"")
        .append(num(x2))
        .append("\" y2=\"")
        .append(num(y2))
        .append("\" stroke=\"")
        .append(stroke)
        .append('"');
    if (dash != null) {
      out.append(" stroke-dasharray=\"").append(dash).append('"');
    }
    out.append("/>");
    return this;
  }

  /** Text at ({@code x}, {@code y}), anchored {@code start}, {@code middle} or {@code end}. */
  Svg text(double x, double y, String anchor, String text) {
    out.append("<text x=\"")
        .append(num(x))
        .append("\" y=\"")
        .append(num(y))
        .append("\" text-anchor=\"")
        .append(anchor)
        .append("\">")
        .append(escape(text))
        .append("</text>");
    return this;
  }

  /** The drawing, closed. */
  String end() {
    return out.append("</svg>").toString();
  }

  private static String num(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** Text made safe inside HTML and XML elements and quoted attributes. */
  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c < 0x20 && c != '\t' && c != '\n' ? '\uFFFD' : c);
      }
    }
    return escaped.toString();
  }
}
