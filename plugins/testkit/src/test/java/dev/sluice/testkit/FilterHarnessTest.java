package dev.sluice.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import org.junit.jupiter.api.Test;

class FilterHarnessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A filter a third party might write: tags the request's user and reports it in a header. */
    private static final GatewayFilter TAGGER = new GatewayFilter() {
        @Override
        public String name() {
            return "tagger";
        }

        @Override
        public ModelResult intercept(Chain chain) {
            String team = chain.context().requestHeaders().first("x-team").orElse("none");
            ObjectNode body = chain.request().body().deepCopy();
            body.put("user", "team-" + team);
            chain.context().responseHeader("x-tagged", team);
            return chain.proceed(chain.request().withBody(body));
        }
    };

    private static ChatRequest request() throws Exception {
        return new ChatRequest((ObjectNode) JSON.readTree("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}"));
    }

    @Test
    void runsFiltersInFrontOfTheAnswerAndRecordsWhatReachedIt() throws Exception {
        ModelResponse answer = new ModelResponse(JSON.createObjectNode().put("object", "chat.completion"));
        FilterHarness harness = FilterHarness.of(TAGGER).header("X-Team", "search").answering(request -> answer);
        assertSame(answer, harness.call(request()));
        assertEquals("team-search", harness.forwarded().getFirst().user().orElseThrow());
        assertEquals("search", harness.lastContext().responseHeaders().get("x-tagged"));
    }

    @Test
    void aFilterReturningNullFailsAsInTheGateway() {
        GatewayFilter broken = new GatewayFilter() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public ModelResult intercept(Chain chain) {
                return null;
            }
        };
        GatewayException e = assertThrows(GatewayException.class,
                () -> FilterHarness.of(broken).answering(request -> null).call(request()));
        assertEquals(ErrorKind.INTERNAL, e.kind());
        assertTrue(e.getMessage().contains("'broken'"));
    }
}
