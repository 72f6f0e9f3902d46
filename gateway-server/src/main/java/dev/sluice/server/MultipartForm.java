package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Upload;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578), as OpenAI's SDKs send files: text parts
 * become fields ({@code name[]} parts collect into an array), file parts become {@link Upload}s.
 * What is not well-formed is a 400 that says so.
 */
final class MultipartForm {

    private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME = Pattern.compile("[;\\s]name=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final int MAX_PARTS = 1000;

    /**
     * A form read.
     *
     * @param fields its text fields
     * @param files  its files
     */
    record Form(ObjectNode fields, List<Upload> files) {
    }

    private MultipartForm() {
    }

    static boolean isMultipart(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    static Form read(byte[] body, String contentType, ObjectNode fields) {
        Matcher boundaryMatch = BOUNDARY.matcher(contentType);
        if (!boundaryMatch.find()) {
            throw invalid("its Content-Type names no boundary");
        }
        byte[] delimiter = ("--" + (boundaryMatch.group(1) != null ? boundaryMatch.group(1) : boundaryMatch.group(2)))
                .getBytes(StandardCharsets.ISO_8859_1);
        List<Upload> files = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw invalid("it has no part");
        }
        int parts = 0;
        while (true) {
            int lineEnd = at + delimiter.length;
            if (lineEnd + 1 < body.length && body[lineEnd] == '-' && body[lineEnd + 1] == '-') {
                break; // the closing delimiter
            }
            int headersStart = skipLineBreak(body, lineEnd);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                throw invalid("a part's headers do not end");
            }
            int next = indexOf(body, concat("\r\n".getBytes(StandardCharsets.ISO_8859_1), delimiter), headersEnd + 4);
            if (next < 0) {
                throw invalid("a part does not end with the boundary");
            }
            if (++parts > MAX_PARTS) {
                throw invalid("it has more than " + MAX_PARTS + " parts");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            byte[] content = java.util.Arrays.copyOfRange(body, headersEnd + 4, next);
            part(headers, content, fields, files);
            at = next + 2;
        }
        return new Form(fields, files);
    }

    private static void part(String headers, byte[] content, ObjectNode fields, List<Upload> files) {
        String disposition = null;
        String type = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (name.equals("content-disposition")) {
                disposition = line.substring(colon + 1);
            } else if (name.equals("content-type")) {
                type = line.substring(colon + 1).strip();
            }
        }
        if (disposition == null) {
            throw invalid("a part has no Content-Disposition");
        }
        Matcher name = NAME.matcher(";" + disposition);
        if (!name.find() || name.group(1).isEmpty()) {
            throw invalid("a part has no name");
        }
        // A file part names its file; some clients (OpenAI's Java SDK given bytes) send only its type.
        Matcher filename = FILENAME.matcher(disposition);
        boolean named = filename.find();
        if (named || (type != null && !type.toLowerCase(Locale.ROOT).startsWith("text/plain"))) {
            files.add(new Upload(name.group(1), named ? filename.group(1) : name.group(1),
                    type == null ? "application/octet-stream" : type, content));
            return;
        }
        String field = name.group(1);
        String value = new String(content, StandardCharsets.UTF_8);
        if (field.endsWith("[]")) {
            fields.withArray(field.substring(0, field.length() - 2)).add(value);
        } else {
            fields.put(field, value);
        }
    }

    private static int skipLineBreak(byte[] body, int at) {
        return at + 1 < body.length && body[at] == '\r' && body[at + 1] == '\n' ? at + 2 : at;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static int indexOf(byte[] body, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= body.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (body[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static GatewayException invalid(String why) {
        return GatewayException.badRequest("The multipart/form-data body cannot be read: " + why + ".", null);
    }
}
