package dev.sluice.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP/1.1 written by hand, for requests no client library would send: cut, malformed, trickled. */
final class RawHttp {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");

    private RawHttp() {
    }

    /** Sends the bytes as they are (optionally closing the sending half) and reads the first response. */
    static String exchange(int port, String request, boolean halfClose) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            if (halfClose) {
                socket.shutdownOutput();
            }
            return readResponse(socket.getInputStream());
        }
    }

    /** @return the status line, headers and body of one response (to its Content-Length, else to the end) */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headerEnd = -1;
        int contentLength = -1;
        for (int n; (n = in.read(buffer)) != -1; ) {
            read.write(buffer, 0, n);
            String text = read.toString(StandardCharsets.ISO_8859_1);
            if (headerEnd < 0 && (headerEnd = text.indexOf("\r\n\r\n")) >= 0) {
                Matcher length = CONTENT_LENGTH.matcher(text.substring(0, headerEnd));
                contentLength = length.find() ? Integer.parseInt(length.group(1)) : -1;
            }
            if (headerEnd >= 0 && contentLength >= 0 && read.size() >= headerEnd + 4 + contentLength) {
                break;
            }
        }
        return read.toString(StandardCharsets.UTF_8);
    }
}
