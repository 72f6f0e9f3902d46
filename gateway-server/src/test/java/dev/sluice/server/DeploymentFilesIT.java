package dev.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.core.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image, compose stack and Kubernetes manifests, checked without a Docker engine
 * (there is none on CI): after the distribution is assembled, every path the Dockerfile copies
 * exists in it; compose and every manifest parse; the configs they carry load as Sluice
 * configs; the ports and probe paths they name are the ones the gateway listens on and serves
 * without a key.
 */
class DeploymentFilesIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOCKER = ROOT.resolve("docker");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, String> SAMPLE_ENV = Map.of("LITELLM_MASTER_KEY", "sk-test", "DATABASE_URL",
            "postgresql://u:p@db:5432/sluice", "REDIS_HOST", "redis", "REDIS_PORT", "6379", "REDIS_PASSWORD", "p",
            "OPENAI_API_KEY", "sk-x");

    @TempDir
    static Path dir;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(dir, "general_settings: {master_key: sk-test-master-key-0123456789}\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void everyPathTheDockerfileCopiesFromTheBuildIsInTheDistribution() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        Matcher copies = Pattern.compile("(?m)^COPY --from=build (?:--chown=\\S+ )?/src/(\\S+) (\\S+)$").matcher(dockerfile);
        int count = 0;
        while (copies.find()) {
            Path source = ROOT.resolve(copies.group(1));
            assertTrue(Files.exists(source), "the Dockerfile copies " + copies.group(1) + ", which the build does not make");
            count++;
        }
        assertTrue(count >= 4, "bin, lib, config and plugins are copied");
        assertTrue(Files.isExecutable(ROOT.resolve("gateway-server/target/sluice/bin/sluice")));
        assertTrue(dockerfile.contains("\nUSER sluice\n"), "the image runs as a non-root user");
        assertTrue(dockerfile.contains("/health/liveliness"), "the health check asks the liveness probe");
        assertTrue(dockerfile.contains("EXPOSE 4000") && dockerfile.contains("\"--port\", \"4000\""));
        assertTrue(dockerfile.contains("VOLUME [\"/plugins\""), "plugins are a volume");
        assertTrue(Files.readString(ROOT.resolve(".dockerignore")).contains("**/target/"),
                "the build context leaves local builds out");
    }

    @Test
    void theComposeStackParsesAndItsFilesAndConfigAreThere() throws IOException {
        JsonNode compose = YAML.readTree(DOCKER.resolve("compose.yaml").toFile());
        Set<String> services = new HashSet<>();
        compose.path("services").fieldNames().forEachRemaining(services::add);
        assertEquals(Set.of("sluice", "postgres", "redis", "otel-collector", "prometheus", "grafana"), services);
        for (JsonNode service : compose.path("services")) {
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".")) {
                    assertTrue(Files.exists(DOCKER.resolve(source)), "compose mounts " + source + ", which is missing");
                }
            }
        }
        JsonNode sluice = compose.path("services").path("sluice");
        assertEquals("docker/Dockerfile", sluice.path("build").path("dockerfile").asText());
        assertTrue(Files.exists(DOCKER.resolve(sluice.path("build").path("context").asText()).resolve("docker/Dockerfile")));
        assertEquals("4000:4000", sluice.path("ports").get(0).asText());
        assertTrue(sluice.path("healthcheck").toString().contains("/health/readiness"));
        Map<String, String> env = new HashMap<>();
        // as compose fills them in when the variables are not set: ${NAME:-default} is the default
        sluice.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(),
                e.getValue().asText().replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1")));
        ConfigLoader.parse(Files.readString(DOCKER.resolve("sluice.yaml")), env); // throws if it is not a valid config
        String prometheus = Files.readString(DOCKER.resolve("observability/prometheus.yml"));
        assertTrue(prometheus.contains("\"sluice:4000\""), "Prometheus scrapes the compose service on its port");
        assertTrue(env.get("OTEL_EXPORTER_OTLP_ENDPOINT").startsWith("http://otel-collector:4318"));
        assertTrue(Files.readString(DOCKER.resolve("observability/otel-collector.yaml")).contains("0.0.0.0:4318"));
    }

    @Test
    void theKubernetesManifestsParseAndAgreeWithEachOtherAndTheGateway() throws IOException {
        Map<String, JsonNode> byKind = new HashMap<>();
        try (Stream<Path> files = Files.list(DOCKER.resolve("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode manifest : documents(file)) {
                    assertFalse(manifest.path("apiVersion").asText().isEmpty(), file + " has an apiVersion");
                    assertFalse(manifest.path("metadata").path("name").asText().isEmpty(), file + " has a name");
                    byKind.put(manifest.path("kind").asText(), manifest);
                }
            }
        }
        assertEquals(Set.of("Deployment", "Service", "ConfigMap", "Secret", "HorizontalPodAutoscaler", "Job", "Ingress"),
                byKind.keySet());
        JsonNode deployment = byKind.get("Deployment");
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        assertEquals("/health/readiness", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/health/liveliness", container.path("livenessProbe").path("httpGet").path("path").asText());
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            String path = container.path(probe).path("httpGet").path("path").asText();
            assertEquals(200, gateway.get(path).statusCode(), probe + " " + path + " is served without a key");
        }
        // The seed's operators' profile: 3 replicas scaled to 10, 500m/1Gi requested, 1000m/2Gi at most.
        assertEquals(3, deployment.path("spec").path("replicas").asInt());
        JsonNode resources = container.path("resources");
        assertEquals("500m 1Gi 1000m 2Gi", String.join(" ", resources.path("requests").path("cpu").asText(),
                resources.path("requests").path("memory").asText(), resources.path("limits").path("cpu").asText(),
                resources.path("limits").path("memory").asText()));
        JsonNode hpa = byKind.get("HorizontalPodAutoscaler").path("spec");
        assertEquals(3, hpa.path("minReplicas").asInt());
        assertEquals(10, hpa.path("maxReplicas").asInt());
        int containerPort = container.path("ports").get(0).path("containerPort").asInt();
        List<String> args = strings(container.path("args"));
        assertEquals(String.valueOf(containerPort), args.get(args.indexOf("--port") + 1));
        JsonNode service = byKind.get("Service");
        assertEquals(container.path("ports").get(0).path("name").asText(),
                service.path("spec").path("ports").get(0).path("targetPort").asText());
        assertEquals(deployment.path("spec").path("selector").path("matchLabels"), service.path("spec").path("selector"),
                "the Service selects the Deployment's pods");
        assertEquals(deployment.path("metadata").path("name"),
                byKind.get("HorizontalPodAutoscaler").path("spec").path("scaleTargetRef").path("name"));
        String configMapName = byKind.get("ConfigMap").path("metadata").path("name").asText();
        assertTrue(deployment.toString().contains("\"configMap\":{\"name\":\"" + configMapName + "\"}"));
        ConfigLoader.parse(byKind.get("ConfigMap").path("data").path("config.yaml").asText(), SAMPLE_ENV);
        Set<String> secretKeys = new HashSet<>();
        byKind.get("Secret").path("stringData").fieldNames().forEachRemaining(secretKeys::add);
        assertTrue(secretKeys.containsAll(Set.of("LITELLM_MASTER_KEY", "LITELLM_SALT_KEY", "DATABASE_URL", "REDIS_HOST",
                "REDIS_PORT", "REDIS_PASSWORD")), "keys and PostgreSQL's and Redis's settings come from the Secret");
        assertFalse(container.path("env").toString().contains("REDIS"), "no connection setting outside the Secret");

        JsonNode ingress = byKind.get("Ingress");
        JsonNode annotations = ingress.path("metadata").path("annotations");
        assertEquals("100", annotations.path("nginx.ingress.kubernetes.io/limit-rps").asText());
        assertEquals("5", annotations.path("nginx.ingress.kubernetes.io/limit-burst-multiplier").asText());
        assertFalse(annotations.path("cert-manager.io/cluster-issuer").asText().isEmpty(), "TLS from cert-manager");
        assertFalse(ingress.path("spec").path("tls").path(0).path("secretName").asText().isEmpty());
        JsonNode backend = ingress.path("spec").path("rules").path(0).path("http").path("paths").path(0)
                .path("backend").path("service");
        assertEquals(service.path("metadata").path("name"), backend.path("name"));
        assertEquals(service.path("spec").path("ports").get(0).path("name"), backend.path("port").path("name"));
        JsonNode job = byKind.get("Job").path("spec").path("template").path("spec").path("containers").get(0);
        assertTrue(strings(job.path("args")).contains("--migrate-only"), "the Job is the migration step");
        assertEquals(container.path("image"), job.path("image"), "the migration runs the release it prepares for");
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        return documents;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
