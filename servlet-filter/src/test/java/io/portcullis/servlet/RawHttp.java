package io.portcullis.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Sends a request line exactly as written, with no client-side normalisation of the path. */
final class RawHttp {
  private RawHttp() {}

  /** Returns the whole response text (status line, headers, body). */
  static String send(String baseUrl, String method, String rawTarget, String... headers) {
    URI base = URI.create(baseUrl);
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      StringBuilder req =
          new StringBuilder(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n");
      if (java.util.Arrays.stream(headers)
          .noneMatch(h -> h.regionMatches(true, 0, "Host:", 0, 5))) {
        req.append("Host: ")
            .append(base.getHost())
            .append(':')
            .append(base.getPort())
            .append("\r\n");
      }
      req.append("Connection: close\r\n");
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      req.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      return buf.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }
}
