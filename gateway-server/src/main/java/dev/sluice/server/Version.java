package dev.sluice.server;

/** The gateway's own version, from its jar's manifest. */
final class Version {

    static final String SLUICE = read();

    private Version() {
    }

    private static String read() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version != null ? version : "development";
    }
}
