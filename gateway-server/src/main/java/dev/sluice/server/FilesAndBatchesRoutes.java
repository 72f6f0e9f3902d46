package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.api.Upload;
import dev.sluice.core.Gateway;
import dev.sluice.core.admin.AdminBody;
import dev.sluice.core.batches.Batches;
import dev.sluice.core.batches.StoredFiles;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * OpenAI's Files and Batch APIs, at {@code /v1/files} and {@code /v1/batches} (and without
 * {@code /v1}): files uploaded as multipart and kept for the key that uploaded them; batches of
 * chat, completion or embedding requests run by the gateway as that key ({@link Batches}).
 */
final class FilesAndBatchesRoutes {

    private final Gateway gateway;
    private final JsonResponses responses;
    private final ErrorResponses errors;
    private final JsonBodyReader bodies;
    private final StoredFiles files;
    private final Batches batches;

    FilesAndBatchesRoutes(Gateway gateway, JsonResponses responses, ErrorResponses errors, JsonBodyReader bodies) {
        this.gateway = gateway;
        this.responses = responses;
        this.errors = errors;
        this.bodies = bodies;
        this.files = new StoredFiles(gateway.database(), Clock.systemUTC());
        this.batches = new Batches(gateway.database(), files, gateway.json(), Clock.systemUTC(), gateway::call).start();
    }

    void register(HttpRules rules) {
        for (String prefix : List.of("/v1", "")) {
            rules.post(prefix + "/files", (req, res) -> answer(req, res, caller -> upload(req, caller)));
            rules.get(prefix + "/files", (req, res) -> answer(req, res, caller -> listFiles(req, caller)));
            rules.get(prefix + "/files/{id}", (req, res) -> answer(req, res, caller -> files.find(caller.subject(),
                    id(req)).orElseThrow(() -> fileNotFound(id(req))).toJson(gateway.json())));
            rules.get(prefix + "/files/{id}/content", this::content);
            rules.delete(prefix + "/files/{id}", (req, res) -> answer(req, res, caller -> {
                if (!files.delete(caller.subject(), id(req))) {
                    throw fileNotFound(id(req));
                }
                return gateway.json().createObjectNode().put("id", id(req)).put("object", "file").put("deleted", true);
            }));
            rules.post(prefix + "/batches", (req, res) -> answer(req, res, caller -> batches.create(caller,
                    bodies.read(req))));
            rules.get(prefix + "/batches", (req, res) -> answer(req, res, caller -> list(batches.list(caller.subject(),
                    limit(req)))));
            rules.get(prefix + "/batches/{id}", (req, res) -> answer(req, res, caller -> batches.find(caller.subject(),
                    id(req)).orElseThrow(() -> Batches.notFound(id(req)))));
            rules.post(prefix + "/batches/{id}/cancel", (req, res) -> answer(req, res, caller ->
                    batches.cancel(caller.subject(), id(req))));
        }
    }

    private interface Action {
        ObjectNode run(Principal caller);
    }

    private void answer(ServerRequest req, ServerResponse res, Action action) {
        try {
            responses.send(res, action.run(caller(req)));
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }

    private Principal caller(ServerRequest req) {
        return gateway.authenticator().authenticate(new RequestHeaders(req.headers()), ModelRoutes.clientAddress(req));
    }

    private ObjectNode upload(ServerRequest req, Principal caller) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!MultipartForm.isMultipart(type)) {
            throw GatewayException.badRequest("Upload a file as multipart/form-data with the fields file and purpose.",
                    "file");
        }
        MultipartForm.Form form = MultipartForm.read(bodies.readRaw(req), type, gateway.json().createObjectNode());
        Upload file = form.files().stream().filter(part -> part.field().equals("file")).findFirst().orElseThrow(() ->
                GatewayException.badRequest("file: Field required: send the file as a part named file.", "file"));
        String purpose = form.fields().path("purpose").asText("");
        if (purpose.isBlank()) {
            throw GatewayException.badRequest("purpose: Field required, e.g. batch.", "purpose");
        }
        AdminBody.checkedText("purpose", purpose, 64);
        AdminBody.checkedText("filename", file.filename(), 512);
        List<String> targets = Arrays.stream(form.fields().path("target_model_names").asText("").split(","))
                .map(String::strip).filter(name -> !name.isEmpty()).toList();
        for (String target : targets) {
            if (gateway.catalog().resolve(target).isEmpty() || !caller.mayUse(target)) {
                throw GatewayException.badRequest("target_model_names: '" + target + "' is not a model group this key "
                        + "may use.", "target_model_names");
            }
        }
        return files.keep(caller.subject(), purpose, file.filename(), targets, file.bytes()).toJson(gateway.json());
    }

    private ObjectNode listFiles(ServerRequest req, Principal caller) {
        Optional<String> purpose = req.query().first("purpose").filter(value -> !value.isBlank());
        return list(files.list(caller.subject(), purpose, limit(req)).stream()
                .map(file -> file.toJson(gateway.json())).toList());
    }

    private void content(ServerRequest req, ServerResponse res) {
        try {
            Principal caller = caller(req);
            byte[] content = files.content(caller.subject(), id(req)).orElseThrow(() -> fileNotFound(id(req)));
            res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
            res.send(content);
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }

    private ObjectNode list(List<ObjectNode> items) {
        ObjectNode list = gateway.json().createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        items.forEach(data::add);
        list.put("has_more", false);
        if (!items.isEmpty()) {
            list.put("first_id", items.getFirst().path("id").asText()).put("last_id", items.getLast().path("id").asText());
        }
        return list;
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private static int limit(ServerRequest req) {
        try {
            return Math.max(1, Math.min(10_000, Integer.parseInt(req.query().first("limit").orElse("100"))));
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("limit: expected a whole number.", "limit");
        }
    }

    private static GatewayException fileNotFound(String id) {
        return GatewayException.of(ErrorKind.NOT_FOUND, "No file '" + id + "' of this key.");
    }
}
