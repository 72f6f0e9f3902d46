package dev.sluice.plugins.openai.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Upload;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A {@code multipart/form-data} body (RFC 7578) as OpenAI's file endpoints take it: each text
 * field a part (array values repeated under {@code name[]}, objects as JSON), each file a part with
 * its file name and type.
 */
final class Multipart {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boundary;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Multipart(String boundary) {
        this.boundary = boundary;
    }

    static Multipart of(ObjectNode fields, List<Upload> files) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        Multipart form = new Multipart("sluice-" + HexFormat.of().formatHex(random));
        fields.properties().forEach(field -> {
            JsonNode value = field.getValue();
            if (value.isArray()) {
                value.forEach(item -> form.text(field.getKey() + "[]", item.isTextual() ? item.asText() : item.toString()));
            } else if (!value.isNull()) {
                form.text(field.getKey(), value.isTextual() ? value.asText() : value.toString());
            }
        });
        files.forEach(form::file);
        form.write("--" + form.boundary + "--\r\n");
        return form;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private void text(String name, String value) {
        write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(name) + "\"\r\n\r\n");
        write(value);
        write("\r\n");
    }

    private void file(Upload file) {
        write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(file.field()) + "\"; filename=\""
                + quoted(file.filename()) + "\"\r\nContent-Type: " + file.contentType().replaceAll("[\\r\\n]", "")
                + "\r\n\r\n");
        out.writeBytes(file.bytes());
        write("\r\n");
    }

    private static String quoted(String text) {
        return text.replaceAll("[\\r\\n]", " ").replace("\"", "%22");
    }

    private void write(String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
