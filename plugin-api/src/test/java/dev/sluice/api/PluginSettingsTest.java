package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginSettingsTest {

    private final PluginSettings settings = PluginSettings.of("acme-provider", Map.of(
            "region", "eu", "retries", 3, "retries_text", "4", "verbose", true, "verbose_text", "FALSE",
            "hosts", List.of("a", "b"), "token", "sk-secret-value", "half", 1.5));

    @Test
    void readsEachTypeWithFallbacksForWhatIsNotGiven() {
        assertEquals("eu", settings.text("region", "us"));
        assertEquals("us", settings.text("absent", "us"));
        assertEquals(3, settings.number("retries", 1));
        assertEquals(4, settings.number("retries_text", 1), "YAML and environment variables give numbers as text");
        assertEquals(7, settings.number("absent", 7));
        assertTrue(settings.flag("verbose", false));
        assertFalse(settings.flag("verbose_text", true));
        assertEquals(2, settings.get("hosts").size());
        assertTrue(settings.get("absent").isMissingNode());
        assertFalse(PluginSettings.none("x").has("region"));
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedNamingItsPathInTheConfig() {
        IllegalArgumentException list = assertThrows(IllegalArgumentException.class, () -> settings.text("hosts"));
        assertEquals("plugin_settings.acme-provider.hosts: expected a string, got array", list.getMessage());
        for (String name : List.of("region", "half", "hosts")) {
            IllegalArgumentException number = assertThrows(IllegalArgumentException.class,
                    () -> settings.number(name, 0));
            assertTrue(number.getMessage().startsWith("plugin_settings.acme-provider." + name + ": expected a whole"),
                    number.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> settings.flag("region", false));
        assertEquals("plugin_settings.acme-provider.region: must be one of us, ap",
                settings.invalid("region", "must be one of us, ap").getMessage());
    }

    @Test
    void neverShowsValuesAndCannotBeChangedThroughItsCopy() {
        assertFalse(settings.toString().contains("sk-secret-value"), settings.toString());
        assertTrue(settings.toString().contains("token"), settings.toString());
        var given = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("region", "eu");
        PluginSettings copied = new PluginSettings("p", given);
        given.put("region", "us");
        assertEquals("eu", copied.text("region", "?"));
    }
}
