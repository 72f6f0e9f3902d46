package dev.sluice.core.config;

/**
 * An invalid config value. The message starts with the YAML path of the value, e.g.
 * {@code model_list[2].litellm_params.model: expected "provider/model"}, so it can be shown as
 * it is when start-up stops.
 */
public final class ConfigException extends RuntimeException {

    private final String path;

    /**
     * @param path    the YAML path of the value at fault
     * @param problem what is wrong and what is expected
     */
    public ConfigException(String path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    /** @return the YAML path of the value at fault */
    public String path() {
        return path;
    }
}
