package dev.sluice.core.keys;

import dev.sluice.api.ErrorKind;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.ModelResult;
import dev.sluice.api.Principal;
import java.util.TreeSet;

/** Refuses a call to a model group the caller's key may not use, as LiteLLM does (401). */
public final class ModelAccessFilter implements GatewayFilter {

    @Override
    public String name() {
        return "model-access";
    }

    @Override
    public FilterSlot slot() {
        return FilterSlot.ADMIT;
    }

    @Override
    public int weight() {
        return 1000;
    }

    @Override
    public ModelResult intercept(Chain chain) {
        String model = chain.request().model();
        Principal caller = chain.context().principal().orElseThrow(() ->
                GatewayException.unauthenticated("Authentication Error, no API key passed in."));
        if (!caller.mayUse(model)) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, "key_model_access_denied", 401,
                    "key not allowed to access model. This key can only access models=" + new TreeSet<>(
                            caller.allowedModels()) + ". Tried to access " + model, "model", null, null, null);
        }
        return chain.proceed(chain.request());
    }
}
