package dev.sluice.core.admin;

import dev.sluice.core.store.ColumnType;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds column descriptions, and holds the budget and limit columns every governance table shares. */
public final class Columns {

    private final Map<String, ColumnType> columns = new LinkedHashMap<>();

    /** @return the columns every budgeted table has: budget, spend, window and rate limits */
    public static Columns budgeted() {
        return new Columns().add(ColumnType.AMOUNT, "max_budget", "soft_budget", "spend")
                .add(ColumnType.SPAN, "budget_duration").add(ColumnType.TIME, "budget_reset_at")
                .add(ColumnType.COUNT, "tpm_limit", "rpm_limit", "max_parallel_requests");
    }

    /**
     * @param fields   the columns callers set through the admin API
     * @param idColumn the primary key column
     * @return every column of a budgeted table: the fields, its id, and the spend and window the
     *         gateway keeps
     */
    public static Map<String, ColumnType> stored(Map<String, ColumnType> fields, String idColumn) {
        Columns all = new Columns();
        all.columns.putAll(fields);
        return all.add(ColumnType.TEXT, idColumn).add(ColumnType.AMOUNT, "spend").add(ColumnType.TIME, "budget_reset_at")
                .build();
    }

    /** Adds columns of one type. */
    public Columns add(ColumnType type, String... names) {
        for (String name : names) {
            columns.put(name, type);
        }
        return this;
    }

    /** Leaves columns out. */
    public Columns without(String... names) {
        for (String name : names) {
            columns.remove(name);
        }
        return this;
    }

    /** @return the columns so far */
    public Map<String, ColumnType> build() {
        return Map.copyOf(columns);
    }
}
