package dev.sluice.core.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Credentials;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.api.Secret;
import dev.sluice.core.governance.Governance;
import dev.sluice.core.keys.KeyService;
import dev.sluice.core.keys.KeyStore;
import dev.sluice.core.keys.CachedKeys;
import dev.sluice.api.HostServices;
import dev.sluice.api.KeyDirectory;
import dev.sluice.plugins.virtualkeys.VirtualKeyStrategy;
import dev.sluice.core.limits.RateLimitFilter;
import dev.sluice.core.limits.InProcessRateLimiter;
import dev.sluice.core.store.Database;
import dev.sluice.core.store.Dialect;
import dev.sluice.core.store.TestDatabases;
import dev.sluice.testkit.FilterHarness;
import dev.sluice.testkit.ManualClock;
import dev.sluice.testkit.TestHeaders;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.routing.ModelCatalog;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission of calls by the accounts they are counted against: the access stage (models, aliases,
 * blocked teams and customers) and the rate limits of keys, teams, users and customers, on a real
 * database through the caches the gateway uses, with time in the test's hands.
 */
class AccountAdmissionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Principal ADMIN = new Principal("admin", Role.PROXY_ADMIN, Optional.empty(), Optional.empty(),
            Optional.empty(), Set.of(), Map.of());

    @TempDir
    Path dir;
    private Database database;
    private Governance governance;
    private final VirtualKeyStrategy auth = new VirtualKeyStrategy();
    private FilterHarness harness;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:05Z"));

    @BeforeEach
    void open() {
        database = TestDatabases.open(Dialect.H2, dir);
        KeyStore store = new KeyStore(database, JSON);
        KeyService keys = new KeyService(store, clock);
        CachedKeys cached = new CachedKeys(store, keys, () -> 0L);
        auth.start(new HostServices() {
            @Override
            public KeyDirectory keys() {
                return cached;
            }

            @Override
            public java.time.Clock clock() {
                return clock;
            }
        });
        governance = Governance.open(keys, database, JSON, clock);
        ModelCatalog catalog = new ModelCatalog(ConfigLoader.parse("""
                model_list:
                  - {model_name: priced, litellm_params: {model: mock/priced}, model_info: {access_groups: [beta]}}
                  - {model_name: other, litellm_params: {model: mock/other}}
                """, Map.of()).modelList(), List.of());
        AccessFilter access = new AccessFilter(cached, governance.directory(() -> 0L), catalog);
        harness = FilterHarness.of(new Authenticate(), access, new RateLimitFilter(new InProcessRateLimiter(clock)))
                .answering(request -> new ModelResponse(JSON.createObjectNode().put("model", request.model())));
    }

    @AfterEach
    void close() {
        TestDatabases.close(database);
    }

    @Test
    void aTeamsRateLimitHoldsAcrossItsKeysAndNamesTheTeam() throws Exception {
        governance.newTeam(body("{\"team_id\":\"search\",\"team_alias\":\"Search\",\"rpm_limit\":2}"), ADMIN);
        String first = key("{\"team_id\":\"search\"}");
        String second = key("{\"team_id\":\"search\",\"rpm_limit\":10}");
        call(first, "priced");
        call(second, "priced");
        GatewayException refused = assertThrows(GatewayException.class, () -> call(first, "priced"));
        assertEquals(429, refused.status());
        assertTrue(refused.getMessage().contains("team 'Search'"), refused.getMessage());
        clock.advance(java.time.Duration.ofMinutes(1));
        call(second, "priced");
        assertEquals("10", harness.lastContext().responseHeaders().get("x-ratelimit-limit-requests"),
                "the headers are the key's own limits when it has them");
    }

    @Test
    void aPersonalKeyAnswersToItsUsersLimitsAndATeamKeyDoesNot() throws Exception {
        governance.newUser(body("{\"user_id\":\"ann\",\"rpm_limit\":1,\"auto_create_key\":false}"), ADMIN);
        governance.newTeam(body("{\"team_id\":\"ops\"}"), ADMIN);
        String personal = key("{\"user_id\":\"ann\"}");
        String ofTeam = key("{\"user_id\":\"ann\",\"team_id\":\"ops\"}");
        call(personal, "priced");
        GatewayException refused = assertThrows(GatewayException.class, () -> call(personal, "priced"));
        assertTrue(refused.getMessage().contains("user ann"), refused.getMessage());
        call(ofTeam, "priced");
    }

    @Test
    void aCustomerTakesLimitsFromItsBudgetTierAndCanBeBlocked() throws Exception {
        governance.budgets().create(body("{\"budget_id\":\"free\",\"rpm_limit\":1}"), ADMIN);
        governance.customers().create(body("{\"user_id\":\"acme\",\"budget_id\":\"free\"}"), ADMIN);
        String key = key("{}");
        call(key, "priced", "acme");
        GatewayException limited = assertThrows(GatewayException.class, () -> call(key, "priced", "acme"));
        assertTrue(limited.getMessage().contains("customer 'acme'"), limited.getMessage());
        call(key, "priced", "someone-else");

        governance.customers().setBlocked(body("{\"user_ids\":[\"acme\",\"new-one\"]}"), true, ADMIN);
        GatewayException blocked = assertThrows(GatewayException.class, () -> call(key, "priced", "new-one"));
        assertEquals(403, blocked.status(), "blocking takes effect at once on this replica, even for new customers");
    }

    @Test
    void modelsAreCheckedAgainstTheKeyItsTeamAndAccessGroupsAfterAliases() throws Exception {
        governance.newTeam(body("{\"team_id\":\"search\",\"models\":[\"priced\"]}"), ADMIN);
        String teamKey = key("{\"team_id\":\"search\",\"aliases\":{\"short\":\"priced\",\"elsewhere\":\"other\"}}");
        assertEquals("priced", call(teamKey, "short").body().path("model").asText(), "the alias is resolved");
        GatewayException team = assertThrows(GatewayException.class, () -> call(teamKey, "elsewhere"));
        assertEquals("team_model_access_denied", team.type());
        assertEquals(401, team.status());

        String grouped = key("{\"models\":[\"beta\"]}");
        call(grouped, "priced");
        assertEquals("key_model_access_denied",
                assertThrows(GatewayException.class, () -> call(grouped, "other")).type());

        String allOfTeam = key("{\"team_id\":\"search\",\"models\":[\"all-team-models\"]}");
        call(allOfTeam, "priced");
        assertThrows(GatewayException.class, () -> call(allOfTeam, "other"));
    }

    @Test
    void blockedAndDeletedTeamsStopTheirKeysAtOnce() throws Exception {
        governance.newTeam(body("{\"team_id\":\"search\"}"), ADMIN);
        String key = key("{\"team_id\":\"search\"}");
        call(key, "priced");
        governance.teams().setBlocked(body("{\"team_id\":\"search\"}"), true, ADMIN);
        assertEquals(401, assertThrows(GatewayException.class, () -> call(key, "priced")).status());
        governance.teams().setBlocked(body("{\"team_id\":\"search\"}"), false, ADMIN);
        call(key, "priced");
        governance.deleteTeams(body("{\"team_ids\":[\"search\"]}"), ADMIN);
        assertTrue(auth.authenticate(credentials(key)).isEmpty(), "the team's keys went with it");
    }

    private ModelResponse call(String key, String model) {
        return call(key, model, null);
    }

    private ModelResponse call(String key, String model, String user) {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        if (user != null) {
            body.put("user", user);
        }
        current = key;
        ModelResult result = harness.call(new ChatRequest(body));
        return (ModelResponse) result;
    }

    private String current;

    /** Stands in for the authentication stage: the key the test calls with, as the gateway's auth reads it. */
    private final class Authenticate implements GatewayFilter {
        @Override
        public String name() {
            return "test-auth";
        }

        @Override
        public FilterSlot slot() {
            return FilterSlot.AUTHENTICATE;
        }

        @Override
        public ModelResult intercept(Chain chain) {
            chain.context().principal(auth.authenticate(credentials(current)).orElseThrow());
            return chain.proceed(chain.request());
        }
    }

    private static Credentials credentials(String key) {
        return new Credentials(Optional.of(new Secret(key)), TestHeaders.none(), "127.0.0.1");
    }

    private String key(String json) throws Exception {
        return governance.generateKey(body(json), ADMIN).key();
    }

    private static ObjectNode body(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }
}
