package dev.sluice.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.api.ProviderAdapter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackedAdapterTest {

    /**
     * The wrapper must pass every adapter method on to the plugin: one it does not override falls
     * back to the interface's default, and the plugin's own answer (its chatParams, say) is lost.
     */
    @Test
    void passesEveryAdapterMethodOnToThePlugin() {
        List<String> missing = new ArrayList<>();
        for (Method method : ProviderAdapter.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.getDeclaringClass() != ProviderAdapter.class) {
                continue;
            }
            boolean overridden = Arrays.stream(TrackedAdapter.class.getDeclaredMethods()).anyMatch(declared ->
                    declared.getName().equals(method.getName())
                            && Arrays.equals(declared.getParameterTypes(), method.getParameterTypes()));
            if (!overridden) {
                missing.add(method.getName());
            }
        }
        assertEquals(List.of(), missing, "TrackedAdapter does not override these ProviderAdapter methods");
    }
}
