package dev.sluice.server;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes the server registers, as {@code METHOD /path} ({@code /models/{model}}), recorded as
 * they are added, so a test can hold the OpenAPI document to them: every route documented, every
 * documented route served.
 */
final class RouteTable {

    private final Set<String> routes = new TreeSet<>();

    /** @return rules that register on the given ones and record each route */
    HttpRules recording(HttpRules rules) {
        return new HttpRules() {
            @Override
            public HttpRules register(HttpService... services) {
                rules.register(services);
                return this;
            }

            @Override
            public HttpRules register(String path, HttpService... services) {
                rules.register(path, services);
                return this;
            }

            @Override
            public HttpRules route(HttpRoute route) {
                rules.route(route);
                return this;
            }

            @Override
            public HttpRules route(Method method, String path, Handler handler) {
                routes.add(method.text() + " " + path);
                rules.route(method, path, handler);
                return this;
            }
        };
    }

    /** @return every route recorded, sorted */
    Set<String> routes() {
        return Set.copyOf(routes);
    }
}
