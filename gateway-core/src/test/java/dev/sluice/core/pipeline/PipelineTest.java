package dev.sluice.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.testkit.TestHeaders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> trace = new ArrayList<>();

    private static ChatRequest request() throws Exception {
        return new ChatRequest((ObjectNode) JSON.readTree("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}"));
    }

    private static GatewayCallContext context() {
        return new GatewayCallContext("call-1", Instant.EPOCH, 0, TestHeaders.none(), "127.0.0.1");
    }

    private GatewayFilter filter(String name, FilterSlot slot, int weight, Function<GatewayFilter.Chain, ModelResult> body) {
        return new GatewayFilter() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public FilterSlot slot() {
                return slot;
            }

            @Override
            public int weight() {
                return weight;
            }

            @Override
            public ModelResult intercept(Chain chain) {
                trace.add(name);
                return body.apply(chain);
            }
        };
    }

    private GatewayFilter passing(String name, FilterSlot slot, int weight) {
        return filter(name, slot, weight, chain -> chain.proceed(chain.request()));
    }

    private final ModelResponse answer = new ModelResponse(JSON.createObjectNode().put("object", "chat.completion"));

    @Test
    void filtersRunBySlotThenByDescendingWeight() throws Exception {
        Pipeline pipeline = new Pipeline(List.of(
                passing("cache", FilterSlot.CACHE, 0),
                passing("guard-low", FilterSlot.TRANSFORM, 1),
                passing("auth", FilterSlot.AUTHENTICATE, 0),
                passing("guard-high", FilterSlot.TRANSFORM, 50),
                passing("trace", FilterSlot.OBSERVE, 0),
                passing("limits", FilterSlot.ADMIT, 0)), (request, context) -> {
                    trace.add("router");
                    return answer;
                });
        assertSame(answer, pipeline.execute(request(), context()));
        assertEquals(List.of("trace", "auth", "limits", "guard-high", "guard-low", "cache", "router"), trace);
    }

    @Test
    void aFilterCanAnswerWithoutCallingTheRest() throws Exception {
        Pipeline pipeline = new Pipeline(List.of(filter("cache", FilterSlot.CACHE, 0, chain -> answer),
                passing("late", FilterSlot.CACHE, -1)), (request, context) -> {
                    throw new AssertionError("the router must not be reached");
                });
        assertSame(answer, pipeline.execute(request(), context()));
        assertEquals(List.of("cache"), trace);
    }

    @Test
    void aFilterCanRewriteTheRequestForTheRest() throws Exception {
        Pipeline pipeline = new Pipeline(List.of(filter("rename", FilterSlot.TRANSFORM, 0,
                chain -> chain.proceed(chain.request().withModel("renamed")))), (request, context) -> {
                    trace.add(request.model());
                    return answer;
                });
        pipeline.execute(request(), context());
        assertEquals(List.of("rename", "renamed"), trace);
    }

    @Test
    void proceedingTwiceRunsTheRestTwiceSoAFilterCanRetry() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Pipeline pipeline = new Pipeline(List.of(filter("retry", FilterSlot.ADMIT, 0, chain -> {
            try {
                return chain.proceed(chain.request());
            } catch (GatewayException first) {
                return chain.proceed(chain.request());
            }
        })), (request, context) -> {
            if (calls.incrementAndGet() == 1) {
                throw GatewayException.of(ErrorKind.UPSTREAM_ERROR, "first attempt fails");
            }
            return answer;
        });
        assertSame(answer, pipeline.execute(request(), context()));
        assertEquals(2, calls.get());
    }

    @Test
    void aFilterThatReturnsNullIsReportedByName() throws Exception {
        Pipeline pipeline = new Pipeline(List.of(filter("broken", FilterSlot.TRANSFORM, 0, chain -> null)),
                (request, context) -> answer);
        GatewayException e = assertThrows(GatewayException.class, () -> pipeline.execute(request(), context()));
        assertEquals(ErrorKind.INTERNAL, e.kind());
        assertEquals(true, e.getMessage().contains("'broken'"));
    }
}
