package dev.sluice.core.plugin;

import java.util.List;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader that takes the shared libraries from the gateway: the plugin API,
 * Jackson, SLF4J and the OpenTelemetry API. A plugin that bundles its own copy of one of them
 * would otherwise hand the gateway objects of foreign classes ({@code ClassCastException} at run
 * time); everything else a plugin bundles stays its own.
 */
final class HostFirstClassLoader extends PluginClassLoader {

    static final List<String> SHARED_PACKAGES = List.of(
            "dev.sluice.api.", "com.fasterxml.jackson.", "org.slf4j.", "io.opentelemetry.api.",
            "io.opentelemetry.context.");

    HostFirstClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader host) {
        super(manager, descriptor, host, ClassLoadingStrategy.PDA);
    }

    @Override
    protected boolean shouldDelegateToParent(String className) {
        if (super.shouldDelegateToParent(className)) {
            return true;
        }
        for (String prefix : SHARED_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
