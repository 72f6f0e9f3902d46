package dev.sluice.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP endpoint that takes logs, as a log intake (a webhook, Datadog's, Langfuse's) does: it
 * records every POST and answers 200 with {@code {}}. For a logger's failure cases it can answer an
 * error ({@link #failNext}), drop the connection ({@link #resetNext}) or {@link #hang()} until
 * {@link #release()}: a logger plugin's tests and the gateway's use it to show that a slow or
 * broken destination costs the calls nothing.
 */
public final class FakeLogIntake extends FakeUpstream {

    private volatile CountDownLatch hanging = new CountDownLatch(0);

    /** Makes every request wait unanswered until {@link #release()} (or 60 seconds pass). */
    public void hang() {
        hanging = new CountDownLatch(1);
    }

    /** Answers the hanging requests and those after them. */
    public void release() {
        hanging.countDown();
    }

    @Override
    protected void handle(RecordedRequest request, HttpExchange exchange) throws IOException {
        try {
            hanging.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        sendJson(exchange, 200, "{}");
    }

    @Override
    protected String errorBody(int status) {
        return "{\"error\": \"the intake failed with " + status + "\"}";
    }

    @Override
    public void close() {
        release();
        super.close();
    }
}
