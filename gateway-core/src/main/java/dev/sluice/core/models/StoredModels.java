package dev.sluice.core.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.api.Secret;
import dev.sluice.core.admin.AdminBody;
import dev.sluice.core.admin.Permissions;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.DeploymentConfig;
import dev.sluice.core.config.GatewayConfig;
import dev.sluice.core.config.ModelEntryReader;
import dev.sluice.core.routing.ModelCatalog;
import dev.sluice.core.store.Database;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models added, changed and deleted at run time ({@code /model/new}, {@code /model/update},
 * {@code /model/delete}, with {@code store_model_in_db}): kept in the database with their
 * {@code litellm_params} sealed, and served beside the config's models by replacing the
 * catalog's list, so a change takes effect without a restart. Other replicas reload when told
 * (see {@link #onChange}) and on their own refresh. Config models cannot be changed here.
 */
public final class StoredModels implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoredModels.class);

    private final Database database;
    private final ObjectMapper json;
    private final GatewayConfig config;
    private final ModelEntryReader reader;
    private final ModelCatalog catalog;
    private final Clock clock;
    private final Optional<SealedParams> sealing;
    private final Set<String> configIds;
    private volatile Set<String> storedIds = Set.of();
    private volatile String fingerprint; // of the rows last served; null: load whatever they are
    private Runnable announce = () -> { };
    private Thread refresher;

    public StoredModels(Database database, ObjectMapper json, GatewayConfig config, ModelCatalog catalog, Clock clock) {
        this.database = database;
        this.json = json;
        this.config = config;
        this.reader = config.modelEntries();
        this.catalog = catalog;
        this.clock = clock;
        Optional<Secret> secret = config.general().saltKey().or(() -> config.general().masterKey());
        this.sealing = secret.map(SealedParams::new);
        this.configIds = config.modelList().stream().map(model -> model.deployment().id()).collect(Collectors.toSet());
    }

    /** @return whether models may be stored ({@code store_model_in_db}) */
    public boolean enabled() {
        return config.general().storeModelInDb();
    }

    /** @return whether the deployment was added through the API rather than the config */
    public boolean isStored(String deploymentId) {
        return storedIds.contains(deploymentId);
    }

    /** @param announce tells the other replicas the stored models changed */
    public synchronized void onChange(Runnable announce) {
        this.announce = announce;
    }

    /**
     * Adds a model ({@code model_name}, {@code litellm_params}, optional {@code model_info}).
     *
     * @return the entry as stored, its {@code model_info.id} filled in
     */
    public synchronized ObjectNode add(JsonNode body, Principal caller) {
        SealedParams seal = writable(caller, "add models");
        ObjectNode entry = entryOf(body);
        ObjectNode info = (ObjectNode) entry.get("model_info");
        String id = info.path("id").asText("");
        if (id.isBlank()) {
            id = UUID.randomUUID().toString();
            info.put("id", id);
        }
        if (configIds.contains(id) || storedIds.contains(id)) {
            throw GatewayException.badRequest("A model with model_info.id '" + id + "' already exists; choose "
                    + "another id, or change that model with /model/update.", "model_info.id");
        }
        check(entry);
        var now = Timestamp.from(clock.instant());
        String modelId = id;
        database.jdbi().useHandle(handle -> handle.createUpdate("insert into sluice_models (model_id, model_name, "
                        + "litellm_params, model_info, created_by, created_at, updated_at) values (:id, :name, :params, "
                        + ":info, :by, :now, :now)")
                .bind("id", modelId).bind("name", entry.path("model_name").asText())
                .bind("params", seal.seal(entry.get("litellm_params").toString())).bind("info", info.toString())
                .bind("by", Permissions.actor(caller).orElse(null)).bind("now", now).execute());
        reloadAndAnnounce();
        return withoutSecrets(entry);
    }

    /**
     * Changes a stored model: a given {@code model_name} replaces the old, given
     * {@code litellm_params} and {@code model_info} fields are merged into the old (so a provider
     * key can be rotated alone).
     */
    public synchronized ObjectNode update(String id, JsonNode body, Principal caller) {
        SealedParams seal = writable(caller, "change models");
        ObjectNode entry = stored(id, seal);
        if (body.hasNonNull("model_name")) {
            entry.put("model_name", body.get("model_name").asText());
        }
        if (body.path("litellm_params").isObject()) {
            ((ObjectNode) entry.get("litellm_params")).setAll((ObjectNode) body.get("litellm_params"));
        }
        if (body.path("model_info").isObject()) {
            ((ObjectNode) entry.get("model_info")).setAll((ObjectNode) body.get("model_info"));
        }
        ((ObjectNode) entry.get("model_info")).put("id", id);
        check(entry);
        database.jdbi().useHandle(handle -> handle.createUpdate("update sluice_models set model_name = :name, "
                        + "litellm_params = :params, model_info = :info, updated_at = :now where model_id = :id")
                .bind("id", id).bind("name", entry.path("model_name").asText())
                .bind("params", seal.seal(entry.get("litellm_params").toString()))
                .bind("info", entry.get("model_info").toString()).bind("now", Timestamp.from(clock.instant())).execute());
        reloadAndAnnounce();
        return withoutSecrets(entry);
    }

    /** Deletes a stored model; calls under way finish on it. */
    public synchronized void delete(String id, Principal caller) {
        SealedParams seal = writable(caller, "delete models");
        stored(id, seal);
        database.jdbi().useHandle(handle -> handle.createUpdate("delete from sluice_models where model_id = :id")
                .bind("id", id).execute());
        reloadAndAnnounce();
    }

    /**
     * Serves the config's models and the stored ones; does nothing when the stored rows have not
     * changed since the last load. A row that cannot be opened or read is left out and logged.
     */
    public synchronized void reload() {
        if (!enabled()) {
            return;
        }
        List<Row> rows = rows();
        String seen = rows.stream().map(row -> row.id() + "@" + row.updatedAt()).collect(Collectors.joining(","));
        if (seen.equals(fingerprint)) {
            return;
        }
        List<DeploymentConfig> models = new ArrayList<>(config.modelList());
        Set<String> ids = new java.util.HashSet<>();
        for (Row row : rows) {
            try {
                models.add(reader.read(row.entry(json, sealing.orElseThrow(() ->
                        new IllegalArgumentException("no LITELLM_SALT_KEY or master key to open it with")))));
                ids.add(row.id());
            } catch (IllegalArgumentException | ConfigException | JsonProcessingException e) {
                LOG.error("Stored model {} ({}) is not served: {}", row.id(), row.name(), e.getMessage());
            }
        }
        try {
            catalog.replace(models);
        } catch (ConfigException e) {
            LOG.error("The stored models are not served, the list stays as it was: {}", e.getMessage());
            return;
        }
        storedIds = Set.copyOf(ids);
        fingerprint = seen;
    }

    /** Reloads every period on a thread of its own, until closed; a failure is logged and retried. */
    public synchronized void refreshEvery(java.time.Duration period) {
        if (!enabled() || refresher != null) {
            return;
        }
        refresher = Thread.ofVirtual().name("sluice-stored-models").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(period);
                    reload();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("Could not reload the stored models: {}", e.toString());
                }
            }
        });
    }

    @Override
    public synchronized void close() {
        if (refresher != null) {
            refresher.interrupt();
        }
    }

    private void reloadAndAnnounce() {
        fingerprint = null; // the write happened: load it whatever the timestamps say
        reload();
        announce.run();
    }

    /** Checks an entry as the catalog would serve it, before it is written. */
    private void check(ObjectNode entry) {
        if (!entry.path("model_name").isTextual()) {
            throw AdminBody.invalid("model_name", "must be a string");
        }
        AdminBody.checkedText("model_name", entry.path("model_name").asText(), 255);
        AdminBody.checkedText("model_info.id", entry.path("model_info").path("id").asText(), 255);
        try {
            catalog.check(reader.read(entry));
        } catch (ConfigException e) {
            throw GatewayException.badRequest("Invalid model: " + e.getMessage(), e.path());
        }
    }

    private SealedParams writable(Principal caller, String action) {
        Permissions.requireAdmin(caller, action);
        if (!enabled()) {
            throw GatewayException.badRequest("Storing models in the database is off. Set general_settings."
                    + "store_model_in_db: true (or STORE_MODEL_IN_DB=True) to add, change and delete models through "
                    + "the API and the admin UI.", null);
        }
        return sealing.orElseThrow(() -> GatewayException.badRequest("Stored models' provider keys are encrypted "
                + "with LITELLM_SALT_KEY, else the master key, and neither is set. Set one and restart.", null));
    }

    private ObjectNode stored(String id, SealedParams seal) {
        if (configIds.contains(id)) {
            throw GatewayException.badRequest("Model '" + id + "' is defined in config.yaml; change it there "
                    + "(only models added through /model/new can be changed through the API).", "id");
        }
        return database.jdbi().withHandle(handle -> handle.createQuery("select model_id, model_name, litellm_params, "
                        + "model_info, updated_at from sluice_models where model_id = :id").bind("id", id)
                        .map((rs, ctx) -> Row.of(rs)).findOne())
                .map(row -> {
                    try {
                        return row.entry(json, seal);
                    } catch (JsonProcessingException | IllegalArgumentException e) {
                        throw GatewayException.badRequest("Stored model '" + id + "' cannot be read (" + e.getMessage()
                                + "); delete it and add it again.", "id");
                    }
                })
                .orElseThrow(() -> Permissions.notFound("Model", id, "id", "Call /model/info to list the models."));
    }

    private List<Row> rows() {
        return database.jdbi().withHandle(handle -> handle.createQuery("select model_id, model_name, litellm_params, "
                + "model_info, updated_at from sluice_models order by created_at, model_id")
                .map((rs, ctx) -> Row.of(rs)).list());
    }

    private ObjectNode entryOf(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw GatewayException.badRequest("Send {\"model_name\", \"litellm_params\": {\"model\", ...}, "
                    + "\"model_info\"}.", null);
        }
        ObjectNode entry = json.createObjectNode();
        entry.set("model_name", body.get("model_name"));
        entry.set("litellm_params", body.path("litellm_params").isObject() ? body.get("litellm_params").deepCopy()
                : body.get("litellm_params"));
        entry.set("model_info", body.path("model_info").isObject() ? body.get("model_info").deepCopy()
                : json.createObjectNode());
        return entry;
    }

    private ObjectNode withoutSecrets(ObjectNode entry) {
        ObjectNode shown = entry.deepCopy();
        ObjectNode params = (ObjectNode) shown.get("litellm_params");
        List<String> names = new ArrayList<>();
        params.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (SecretNames.looksSecret(name)) {
                params.remove(name);
            }
        }
        ((ObjectNode) shown.get("model_info")).put("db_model", true);
        return shown;
    }

    /** A row of {@code sluice_models}. */
    private record Row(String id, String name, String sealedParams, String info, Timestamp updatedAt) {

        static Row of(java.sql.ResultSet rs) throws java.sql.SQLException {
            return new Row(rs.getString("model_id"), rs.getString("model_name"), rs.getString("litellm_params"),
                    rs.getString("model_info"), rs.getTimestamp("updated_at"));
        }

        ObjectNode entry(ObjectMapper json, SealedParams seal) throws JsonProcessingException {
            ObjectNode entry = json.createObjectNode().put("model_name", name);
            entry.set("litellm_params", json.readTree(seal.open(sealedParams)));
            entry.set("model_info", json.readTree(info));
            return entry;
        }
    }
}
