package dev.sluice.core.telemetry;

import dev.sluice.api.Deployment;
import dev.sluice.api.Principal;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/** The attributes of a request's server span, once its call has finished. */
final class CallSpan {

    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> CALL_ID = AttributeKey.stringKey("sluice.call_id");
    static final AttributeKey<String> KEY_ALIAS = AttributeKey.stringKey("sluice.key_alias");
    static final AttributeKey<String> TEAM = AttributeKey.stringKey("sluice.team");
    static final AttributeKey<String> USER = AttributeKey.stringKey("sluice.user");
    static final AttributeKey<String> END_USER = AttributeKey.stringKey("sluice.end_user");
    static final AttributeKey<Double> COST = AttributeKey.doubleKey("sluice.cost_usd");
    static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("sluice.cache_hit");
    static final AttributeKey<Double> OVERHEAD_MS = AttributeKey.doubleKey("sluice.overhead_ms");

    private CallSpan() {
    }

    static void describe(Span span, FinishedCall call) {
        span.setAttribute(STATUS, (long) call.status());
        span.setAttribute(CALL_ID, call.callId());
        span.setAttribute(Tracing.OPERATION, call.operation());
        call.requestedModel().ifPresent(model -> span.setAttribute(Tracing.REQUEST_MODEL, model));
        call.deployment().map(Deployment::providerModel).ifPresent(model -> span.setAttribute(Tracing.RESPONSE_MODEL, model));
        call.deployment().ifPresent(deployment -> {
            span.setAttribute(Tracing.PROVIDER, Tracing.provider(deployment.provider()));
            span.setAttribute(Tracing.DEPLOYMENT_ID, deployment.id());
            span.setAttribute(Tracing.MODEL_GROUP, deployment.modelGroup());
        });
        call.caller().flatMap(Principal::keyAlias).ifPresent(alias -> span.setAttribute(KEY_ALIAS, alias));
        call.caller().flatMap(Principal::teamId).ifPresent(team -> span.setAttribute(TEAM, team));
        call.caller().flatMap(Principal::userId).ifPresent(user -> span.setAttribute(USER, user));
        call.endUser().ifPresent(user -> span.setAttribute(END_USER, user));
        Tracing.usage(span, call.usage());
        span.setAttribute(COST, call.cost().doubleValue());
        span.setAttribute(CACHE_HIT, call.cacheHit());
        span.setAttribute(OVERHEAD_MS, call.overheadNanos() / 1e6);
        call.failure().ifPresent(failure -> {
            span.setAttribute(Tracing.ERROR_TYPE, failure.kind().type());
            span.setStatus(StatusCode.ERROR, failure.kind().type());
        });
    }
}
