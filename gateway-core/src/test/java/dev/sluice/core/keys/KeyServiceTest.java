package dev.sluice.core.keys;

import dev.sluice.core.config.TimeSpan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.core.store.Database;
import dev.sluice.core.store.Dialect;
import dev.sluice.core.store.TestDatabases;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyServiceTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final Principal ADMIN = principal(Role.PROXY_ADMIN, null);
    static final Principal VIEWER = principal(Role.PROXY_ADMIN_VIEWER, null);
    static final Principal ALICE = principal(Role.INTERNAL_USER, "alice");
    static final Principal BOB = principal(Role.INTERNAL_USER, "bob");

    @TempDir
    Path dir;
    private final List<Database> opened = new ArrayList<>();

    static Principal principal(Role role, String userId) {
        return new Principal(role.wireName() + "-" + userId, role, Optional.empty(), Optional.ofNullable(userId),
                Optional.empty(), Set.of(), Map.of());
    }

    private KeyService service(Dialect dialect) {
        Database database = TestDatabases.open(dialect, dir);
        opened.add(database);
        return new KeyService(new KeyStore(database, JSON), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void closeDatabases() {
        opened.forEach(TestDatabases::close);
    }

    private static ObjectNode body(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void generatedKeysAreStoredAsHashesWithEveryField(Dialect dialect) throws Exception {
        KeyService keys = service(dialect);
        KeyService.IssuedKey issued = keys.generate(body("""
                {"key_alias":"search-prod","models":["gpt-4o","gpt-4o-mini"],"aliases":{"fast":"gpt-4o-mini"},
                 "max_budget":10.5,"soft_budget":8,"budget_duration":"30d","rpm_limit":100,"tpm_limit":20000,
                 "max_parallel_requests":4,"duration":"1h","metadata":{"env":"prod"},"team_id":"search",
                 "user_id":"alice","permissions":{"pii_masking":true},"tags":[]}"""), ADMIN);
        assertTrue(issued.key().matches("sk-[A-Za-z0-9_-]{22}"), issued.key());
        KeyRecord key = keys.info(issued.key(), ADMIN);
        assertEquals(VirtualKeys.token(issued.key()), key.token());
        assertEquals("sk-..." + issued.key().substring(issued.key().length() - 4), key.keyName());
        assertEquals("search-prod", key.keyAlias().orElseThrow());
        assertEquals(List.of("gpt-4o", "gpt-4o-mini"), key.models());
        assertEquals(Map.of("fast", "gpt-4o-mini"), key.aliases());
        assertEquals(0, new BigDecimal("10.5").compareTo(key.maxBudget().orElseThrow()));
        assertEquals(TimeSpan.parse("30d"), key.budgetDuration().orElseThrow());
        assertEquals(NOW.plusSeconds(30 * 86400), key.budgetResetAt().orElseThrow());
        assertEquals(NOW.plusSeconds(3600), key.expires().orElseThrow());
        assertEquals(100L, key.rpmLimit().orElseThrow());
        assertEquals(4, key.maxParallelRequests().orElseThrow());
        assertEquals("prod", key.metadata().path("env").asText());
        assertEquals(key, keys.info(key.token(), ADMIN), "a key can be named by its token too");
        String everything = opened.getFirst().jdbi().withHandle(h -> h.createQuery(
                "select * from sluice_keys").mapToMap().list().toString());
        assertFalse(everything.contains(issued.key()), "the plain key reached the database");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void badBodiesAreRefusedNamingTheField(Dialect dialect) {
        KeyService keys = service(dialect);
        Map<String, String> cases = Map.of(
                "{\"max_budget\":-1}", "max_budget",
                "{\"duration\":\"soon\"}", "duration",
                "{\"budget_duration\":\"2w\"}", "budget_duration",
                "{\"models\":\"gpt-4o\"}", "models",
                "{\"rpm_limit\":1.5}", "rpm_limit",
                "{\"colour\":\"blue\"}", "colour",
                "{\"guardrails\":\"pii\"}", "guardrails",
                "{\"tags\":[\"prod\"]}", "tags",
                "{\"key\":\"not-a-key\"}", "key",
                "{\"metadata\":[1]}", "metadata");
        cases.forEach((json, field) -> {
            GatewayException e = assertThrows(GatewayException.class, () -> keys.generate(body(json), ADMIN), json);
            assertEquals(400, e.status(), json);
            assertEquals(field, e.param().orElseThrow(), json);
            assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void updatesChangeOnlyTheFieldsSentAndAliasesStayUnique(Dialect dialect) throws Exception {
        KeyService keys = service(dialect);
        String first = keys.generate(body("{\"key_alias\":\"a\",\"max_budget\":5,\"models\":[\"m1\"]}"), ADMIN).key();
        keys.generate(body("{\"key_alias\":\"b\"}"), ADMIN);
        KeyRecord updated = keys.update(body("{\"key\":\"" + first + "\",\"rpm_limit\":7,\"max_budget\":null}"), ADMIN);
        assertEquals(7L, updated.rpmLimit().orElseThrow());
        assertTrue(updated.maxBudget().isEmpty());
        assertEquals(List.of("m1"), updated.models());
        assertEquals("key_alias", assertThrows(GatewayException.class, () -> keys.update(
                body("{\"key\":\"" + first + "\",\"key_alias\":\"b\"}"), ADMIN)).param().orElseThrow());
        assertEquals("key_alias", assertThrows(GatewayException.class,
                () -> keys.generate(body("{\"key_alias\":\"a\"}"), ADMIN)).param().orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void internalUsersManageTheirOwnKeysOnly(Dialect dialect) throws Exception {
        KeyService keys = service(dialect);
        String alices = keys.generate(body("{}"), ALICE).key();
        assertEquals("alice", keys.info(alices, ALICE).userId().orElseThrow(), "the key is the caller's");
        assertEquals(403, assertThrows(GatewayException.class,
                () -> keys.generate(body("{\"user_id\":\"bob\"}"), ALICE)).status());
        assertEquals(404, assertThrows(GatewayException.class, () -> keys.info(alices, BOB)).status());
        keys.generate(body("{\"user_id\":\"bob\"}"), ADMIN);
        assertEquals(1, keys.list(Map.of(), 1, 10, ALICE).total());
        assertEquals(2, keys.list(Map.of(), 1, 10, VIEWER).total());
        assertEquals(403, assertThrows(GatewayException.class, () -> keys.generate(body("{}"), VIEWER)).status());
        assertEquals(403, assertThrows(GatewayException.class, () -> keys.setBlocked(alices, true, ALICE)).status());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void keysCannotRaiseTheirOwnLimitsOrMintBroaderKeys(Dialect dialect) throws Exception {
        KeyService keys = service(dialect);
        KeyRecord ownerless = keys.info(keys.generate(body("{\"max_budget\":1}"), ADMIN).key(), ADMIN);
        Principal itself = new Principal(ownerless.token(), Role.INTERNAL_USER_VIEWER, Optional.empty(),
                Optional.empty(), Optional.empty(), Set.of(), Map.of());
        assertEquals(ownerless.token(), keys.info(ownerless.token(), itself).token(), "a key may read itself");
        assertEquals(403, assertThrows(GatewayException.class, () -> keys.update(
                body("{\"key\":\"" + ownerless.token() + "\",\"max_budget\":100}"), itself)).status());
        assertEquals(403, assertThrows(GatewayException.class, () -> keys.generate(body("{}"), itself)).status());

        Principal restricted = new Principal("t", Role.INTERNAL_USER, Optional.empty(), Optional.of("alice"),
                Optional.empty(), Set.of("gpt-4o-mini"), Map.of());
        assertEquals(List.of("gpt-4o-mini"), keys.info(keys.generate(body("{}"), restricted).key(), ADMIN).models());
        assertEquals("models", assertThrows(GatewayException.class,
                () -> keys.generate(body("{\"models\":[\"gpt-4o\"]}"), restricted)).param().orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void listingPagesAndFilters(Dialect dialect) throws Exception {
        KeyService keys = service(dialect);
        for (int i = 0; i < 7; i++) {
            keys.generate(body("{\"team_id\":\"" + (i % 2 == 0 ? "even" : "odd") + "\"}"), ADMIN);
        }
        KeyStore.KeyPage page = keys.list(Map.of(), 2, 3, ADMIN);
        assertEquals(7, page.total());
        assertEquals(3, page.keys().size());
        assertEquals(1, keys.list(Map.of(), 3, 3, ADMIN).keys().size());
        assertEquals(4, keys.list(Map.of("team_id", "even"), 1, 10, ADMIN).total());
        assertEquals(400, assertThrows(GatewayException.class, () -> keys.list(Map.of(), 0, 10, ADMIN)).status());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void deleteBlockAndRegenerateAnnounceTheChange(Dialect dialect) throws Exception {
        KeyService keys = service(dialect);
        List<String> announced = new ArrayList<>();
        keys.onChange(announced::add);
        String one = keys.generate(body("{\"key_alias\":\"one\"}"), ADMIN).key();
        String two = keys.generate(body("{\"key_alias\":\"two\"}"), ADMIN).key();
        assertTrue(keys.setBlocked(one, true, ADMIN).blocked());
        assertFalse(keys.setBlocked(one, false, ADMIN).blocked());
        KeyService.IssuedKey fresh = keys.regenerate(one, ADMIN);
        assertEquals(404, assertThrows(GatewayException.class, () -> keys.info(one, ADMIN)).status());
        assertEquals("one", keys.info(fresh.key(), ADMIN).keyAlias().orElseThrow());
        assertEquals(List.of(fresh.key(), "two"), keys.delete(body("{\"keys\":[\"" + fresh.key()
                + "\"],\"key_aliases\":[\"two\"]}"), ADMIN));
        assertEquals(0, keys.list(Map.of(), 1, 10, ADMIN).total());
        assertTrue(announced.containsAll(List.of(VirtualKeys.token(one), VirtualKeys.token(fresh.key()),
                VirtualKeys.token(two))), announced.toString());
    }
}
