package dev.sluice.core.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.core.config.TimeSpan;
import dev.sluice.core.store.Table;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The admin API's create, read, update and delete over one governance table: 404s and 400s that
 * name the thing, a budget window started whenever {@code budget_duration} is set, and every change
 * announced (as {@code kind:id}) so caches drop what they hold at once.
 */
public final class AdminTable {

    private final Table table;
    private final String kind;
    private final String what;
    private final String idField;
    private final String listHint;
    private final Clock clock;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param table    the table
     * @param kind     the prefix of announced ids, e.g. {@code team}
     * @param what     the thing in words, e.g. {@code Team}
     * @param idField  the admin API field naming one, e.g. {@code team_id}
     * @param listHint where to find the right id, e.g. {@code list them with /team/list}
     * @param clock    the time
     */
    public AdminTable(Table table, String kind, String what, String idField, String listHint, Clock clock) {
        this.table = table;
        this.kind = kind;
        this.what = what;
        this.idField = idField;
        this.listHint = listHint;
        this.clock = clock;
    }

    /** @return the table */
    public Table table() {
        return table;
    }

    /** Registers a listener told {@code kind:id} of every row that changes or goes. */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Tells the listeners a row changed. */
    public void announce(String id) {
        announce(kind, id);
    }

    /** Tells the listeners something tied to a row changed, e.g. a team's member ({@code member:team/user}). */
    public void announce(String otherKind, String id) {
        listeners.forEach(listener -> listener.accept(otherKind + ":" + id));
    }

    /** @return the row, or a 404 naming it */
    public ObjectNode get(String id) {
        return table.find(id).orElseThrow(() -> notFound(id));
    }

    /** @return the row, if it exists */
    public Optional<ObjectNode> find(String id) {
        return table.find(id);
    }

    /**
     * Inserts a row with these column values.
     *
     * @throws GatewayException 400 if the id is taken
     */
    public ObjectNode create(String id, Map<String, Object> values) {
        if (table.find(id).isPresent()) {
            throw AdminBody.invalid(idField, "'" + id + "' is already taken; choose another or update that one");
        }
        Instant now = clock.instant();
        Map<String, Object> row = withWindow(values, now);
        table.insert(row, now);
        announce(id);
        return get(id);
    }

    /** Sets the given columns of a row. @throws GatewayException 404 if it does not exist */
    public ObjectNode update(String id, Map<String, Object> changes) {
        Instant now = clock.instant();
        if (!changes.isEmpty() && !table.update(id, withWindow(changes, now), now)) {
            throw notFound(id);
        }
        announce(id);
        return get(id);
    }

    /** Deletes rows, all or none. @throws GatewayException 404 naming the first that does not exist */
    public List<String> delete(List<String> ids) {
        if (ids.isEmpty()) {
            throw AdminBody.invalid(idField + "s", "must name at least one");
        }
        for (String id : ids) {
            get(id);
        }
        List<String> deleted = table.delete(ids);
        deleted.forEach(this::announce);
        return deleted;
    }

    /**
     * Starts new budget windows for the rows whose reset time has passed, and announces them.
     *
     * @param also work done in the same transaction for each row reset
     * @return the rows reset, as {@code kind:id}
     */
    public List<String> resetDueBudgets(Table.ResetHook also) {
        List<String> reset = table.resetDueBudgets(clock.instant(), also);
        reset.forEach(this::announce);
        return reset.stream().map(id -> kind + ":" + id).toList();
    }

    /** @return a 404 naming the row */
    public GatewayException notFound(String id) {
        return Permissions.notFound(what, id, idField, listHint);
    }

    /** Setting {@code budget_duration} starts a window: the next reset is one duration from now. */
    private Map<String, Object> withWindow(Map<String, Object> values, Instant now) {
        if (!values.containsKey("budget_duration")) {
            return values;
        }
        Map<String, Object> row = new LinkedHashMap<>(values);
        Optional<?> span = (Optional<?>) values.get("budget_duration");
        row.put("budget_reset_at", span.map(s -> ((TimeSpan) s).after(now)));
        return row;
    }
}
