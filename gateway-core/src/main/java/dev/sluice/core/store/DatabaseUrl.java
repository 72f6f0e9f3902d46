package dev.sluice.core.store;

import dev.sluice.api.Secret;
import dev.sluice.core.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A database address as LiteLLM takes it ({@code postgresql://user:password@host:5432/db}, the
 * form Prisma uses) or as a JDBC URL, turned into what the JDBC driver needs. The password is kept
 * apart so that the URL can be logged.
 *
 * @param jdbcUrl  the JDBC URL, without credentials
 * @param user     the user, or null to let the URL or driver decide
 * @param password the password, or null
 */
public record DatabaseUrl(String jdbcUrl, String user, Secret password) {

    /** @throws NullPointerException if the URL is null */
    public DatabaseUrl {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    }

    /**
     * @param value {@code postgresql://…}, {@code postgres://…} or {@code jdbc:postgresql://…}
     * @return the parsed address
     * @throws ConfigException naming {@code general_settings.database_url} when it cannot be used
     */
    public static DatabaseUrl parse(String value) {
        String trimmed = value.trim();
        if (trimmed.startsWith("jdbc:")) {
            return new DatabaseUrl(trimmed, null, null);
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw invalid("not a URL (special characters in the password must be percent-encoded)");
        }
        String scheme = uri.getScheme();
        if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
            throw invalid("expected postgresql://user:password@host:5432/database, got a " + scheme + ":// URL");
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw invalid("expected postgresql://user:password@host:5432/database (host and database are required)");
        }
        String user = null;
        Secret password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? new Secret(decode(parts[1])) : null;
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append(uri.getRawPath());
        List<String> params = new ArrayList<>();
        if (uri.getRawQuery() != null) {
            for (String param : uri.getRawQuery().split("&")) {
                // Prisma's "schema" is the driver's "currentSchema"; the rest the driver knows.
                params.add(param.startsWith("schema=") ? "currentSchema=" + param.substring(7) : param);
            }
        }
        if (!params.isEmpty()) {
            jdbc.append('?').append(String.join("&", params));
        }
        return new DatabaseUrl(jdbc.toString(), user, password);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static ConfigException invalid(String problem) {
        return new ConfigException("general_settings.database_url", problem);
    }
}
