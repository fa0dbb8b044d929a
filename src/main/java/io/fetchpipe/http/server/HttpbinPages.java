package io.fetchpipe.http.server;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.apache.pekko.util.ByteString;

/**
 * The fixed documents of the httpbin-compatible routes: fetchpipe's own texts in the shapes httpbin
 * answers with (an HTML page, an XML document, plain texts, images of each type).
 */
final class HttpbinPages {
  /** {@code /html}: a page with a heading and a few paragraphs. */
  static final String HTML =
      """
      <!DOCTYPE html>
      <html>
        <head>
        </head>
        <body>
            <h1>The Harbour Pilot</h1>
            <div>
              <p>Every morning the pilot rowed out past the breakwater before the ships could see the
              lights of the town, climbed the rope ladder of whichever hull had anchored in the night,
              and brought it in between the shoals that moved a little with every storm.</p>
              <p>She kept no charts of her own. The sand was in her hands, she said, and the tide in
              her ears; what the charts knew, the sea had already changed.</p>
            </div>
        </body>
      </html>
      """;

  /** {@code /xml}: a small document. */
  static final String XML =
      """
      <?xml version='1.0' encoding='us-ascii'?>

      <!--  A small sample of XML  -->

      <timetable title="Harbour ferries" season="summer">
          <ferry name="Morning Star" departs="07:15">
              <stop>North Quay</stop>
              <stop>Lighthouse Island</stop>
          </ferry>
          <ferry name="Evening Tide" departs="18:40">
              <stop>South Quay</stop>
          </ferry>
      </timetable>
      """;

  /** {@code /robots.txt}: everything may be fetched but {@code /deny}. */
  static final String ROBOTS = "User-agent: *\nDisallow: /deny\n";

  /** {@code /deny}: what a crawler that ignored robots.txt finds. */
  static final String DENIED =
      """

           ___________
          |  NO ENTRY |
          |___________|
               | |
               | |
      ~~~~~~~~~~~~~~~~~~~~~~
       THIS PAGE IS NOT FOR ROBOTS: SEE /robots.txt
      """;

  /** {@code /status/418}: a small teapot. */
  static final String TEAPOT =
      """

          [ a teapot ]
             ____
          _ /    \\__
         ( |      | )
           \\______/
      """;

  /** {@code /image/svg}: a simple drawing. */
  static final String SVG =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">
        <rect width="100" height="100" fill="#1d3557"/>
        <circle cx="50" cy="50" r="30" fill="#f1faee"/>
        <path d="M20 80 Q50 60 80 80" stroke="#e63946" stroke-width="6" fill="none"/>
      </svg>
      """;

  private static volatile ByteString png;
  private static volatile ByteString jpeg;

  private HttpbinPages() {}

  /** {@code /image/png}: a small drawing, made once on first use. */
  static ByteString png() {
    if (png == null) {
      png = image("png", BufferedImage.TYPE_INT_ARGB);
    }
    return png;
  }

  /** {@code /image/jpeg}: the same drawing as a JPEG, made once on first use. */
  static ByteString jpeg() {
    if (jpeg == null) {
      jpeg = image("jpeg", BufferedImage.TYPE_INT_RGB);
    }
    return jpeg;
  }

  private static ByteString image(String format, int type) {
    BufferedImage image = new BufferedImage(64, 64, type);
    Graphics2D drawing = image.createGraphics();
    drawing.setColor(new Color(0x1d3557));
    drawing.fillRect(0, 0, 64, 64);
    drawing.setColor(new Color(0xf1faee));
    drawing.fillOval(16, 16, 32, 32);
    drawing.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, bytes)) {
        throw new IllegalStateException("no " + format + " writer in this JDK");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory
    }
    return ByteString.fromArrayUnsafe(bytes.toByteArray());
  }

  /**
   * {@code /links/{n}/{offset}}: n links to the other pages of the set, the current one as plain
   * text.
   */
  static String links(int n, int offset) {
    StringBuilder page = new StringBuilder("<html><head><title>Links</title></head><body>");
    for (int i = 0; i < n; i++) {
      if (i == offset) {
        page.append(i).append(' ');
      } else {
        page.append("<a href='/links/")
            .append(n)
            .append('/')
            .append(i)
            .append("'>")
            .append(i)
            .append("</a> ");
      }
    }
    return page.append("</body></html>").toString();
  }
}
