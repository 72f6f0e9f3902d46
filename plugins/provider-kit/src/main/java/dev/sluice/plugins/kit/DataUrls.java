package dev.sluice.plugins.kit;

import dev.sluice.api.GatewayException;
import java.util.Optional;

/** Images in OpenAI's {@code image_url} parts: {@code data:} URLs, which every vendor takes apart. */
public final class DataUrls {

    /**
     * A base64 {@code data:} URL's parts.
     *
     * @param mediaType e.g. {@code image/png}
     * @param base64    the data, base64-encoded
     */
    public record DataUrl(String mediaType, String base64) {
    }

    private DataUrls() {
    }

    /**
     * @param url an image URL
     * @return its parts if it is a {@code data:} URL, empty for any other URL
     * @throws GatewayException 400 for a {@code data:} URL that is not {@code data:<type>;base64,...}
     */
    public static Optional<DataUrl> parse(String url) {
        if (!url.startsWith("data:")) {
            return Optional.empty();
        }
        int comma = url.indexOf(',');
        int semicolon = url.indexOf(';');
        if (comma < 0 || semicolon < 0 || semicolon > comma || !url.substring(semicolon, comma).equals(";base64")) {
            throw GatewayException.badRequest("An image data URL must look like data:image/png;base64,....", "messages");
        }
        return Optional.of(new DataUrl(url.substring(5, semicolon), url.substring(comma + 1)));
    }
}
