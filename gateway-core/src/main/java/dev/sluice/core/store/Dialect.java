package dev.sluice.core.store;

/** The databases Sluice runs on. */
public enum Dialect {
    /** PostgreSQL, shared by several replicas. */
    POSTGRESQL,
    /** The embedded H2 file database, for a single node. */
    H2
}
