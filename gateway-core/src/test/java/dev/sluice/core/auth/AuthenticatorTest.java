package dev.sluice.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.AuthStrategy;
import dev.sluice.api.Credentials;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Headers;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.api.Secret;
import dev.sluice.testkit.TestHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

    private static final String MASTER = "sk-master-0123456789";

    private static Headers headers(Map<String, String> values) {
        return TestHeaders.of(values);
    }

    private final Authenticator authenticator = new Authenticator(Optional.of(new Secret(MASTER)), List.of());

    @Test
    void theMasterKeyIsAcceptedInEveryHeaderLiteLlmAccepts() {
        for (Map<String, String> presented : List.of(
                Map.of("Authorization", "Bearer " + MASTER),
                Map.of("authorization", "bearer " + MASTER),
                Map.of("API-Key", MASTER),
                Map.of("x-api-key", MASTER),
                Map.of("x-litellm-api-key", MASTER),
                Map.of("x-goog-api-key", MASTER))) {
            assertSame(MasterKeyAuth.MASTER, authenticator.authenticate(headers(presented), "10.0.0.1"), presented.toString());
        }
    }

    @Test
    void xLiteLlmApiKeyWinsOverAnAuthorizationHeaderMeantForSomethingElse() {
        assertSame(MasterKeyAuth.MASTER, authenticator.authenticate(
                headers(Map.of("Authorization", "Bearer upstream-token", "x-litellm-api-key", MASTER)), "h"));
    }

    @Test
    void aMissingKeyIsRefusedWith401SayingHowToPassIt() {
        GatewayException e = assertThrows(GatewayException.class, () -> authenticator.authenticate(headers(Map.of()), "h"));
        assertEquals(401, e.status());
        assertEquals("auth_error", e.kind().type());
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("no api key"), e.getMessage());
    }

    @Test
    void aWrongKeyIsRefusedWithoutEchoingIt() {
        GatewayException e = assertThrows(GatewayException.class,
                () -> authenticator.authenticate(headers(Map.of("Authorization", "Bearer sk-wrong-guess")), "h"));
        assertEquals(401, e.status());
        assertFalse(e.getMessage().contains("sk-wrong-guess"));
        assertThrows(GatewayException.class, () -> authenticator.authenticate(
                headers(Map.of("Authorization", "Bearer " + MASTER + "x")), "h"));
    }

    @Test
    void withoutAMasterKeyTheGatewayIsOpen() {
        Authenticator open = new Authenticator(Optional.empty(), List.of());
        assertTrue(open.open());
        assertSame(Authenticator.OPEN_ACCESS, open.authenticate(headers(Map.of()), "h"));
    }

    @Test
    void pluginStrategiesAreAskedByWeightAndMayRecogniseOtherKeys() {
        Principal team = new Principal("hash-1", Role.INTERNAL_USER, Optional.of("alias"), Optional.empty(),
                Optional.of("team-a"), Set.of("gpt-4o"), Map.of());
        AuthStrategy virtualKeys = new AuthStrategy() {
            @Override
            public String name() {
                return "virtual-keys";
            }

            @Override
            public Optional<Principal> authenticate(Credentials credentials) {
                return credentials.apiKey().map(Secret::value).filter("sk-virtual"::equals).map(key -> team);
            }
        };
        Authenticator withPlugin = new Authenticator(Optional.of(new Secret(MASTER)), List.of(virtualKeys));
        assertSame(team, withPlugin.authenticate(headers(Map.of("x-api-key", "sk-virtual")), "h"));
        assertSame(MasterKeyAuth.MASTER, withPlugin.authenticate(headers(Map.of("x-api-key", MASTER)), "h"));
    }
}
