package dev.sluice.testkit;

import dev.sluice.api.HttpTransport;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamResponse;
import dev.sluice.api.UpstreamStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A transport whose streamed bodies break off after a number of bytes, with the
 * {@link IOException} a dropped connection gives: how a contract test cuts any vendor's stream
 * mid-way without knowing its format.
 */
final class CuttingTransport implements HttpTransport {

    private final HttpTransport transport;
    private final long cutAfterBytes;
    private final java.util.concurrent.atomic.AtomicLong bytesRead = new java.util.concurrent.atomic.AtomicLong();

    CuttingTransport(HttpTransport transport, long cutAfterBytes) {
        this.transport = transport;
        this.cutAfterBytes = cutAfterBytes;
    }

    /** @return the bytes of streamed bodies read through it so far */
    long bytesRead() {
        return bytesRead.get();
    }

    @Override
    public UpstreamResponse send(UpstreamRequest request) {
        return transport.send(request);
    }

    @Override
    public UpstreamStream stream(UpstreamRequest request) {
        UpstreamStream stream = transport.stream(request);
        InputStream cut = new FilterInputStream(stream.body()) {
            private long read;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read >= cutAfterBytes) {
                    throw new IOException("Connection reset (cut by the contract test)");
                }
                int n = super.read(b, off, (int) Math.min(len, cutAfterBytes - read));
                read += Math.max(n, 0);
                bytesRead.addAndGet(Math.max(n, 0));
                return n;
            }
        };
        return new UpstreamStream() {
            @Override
            public int status() {
                return stream.status();
            }

            @Override
            public Optional<String> header(String name) {
                return stream.header(name);
            }

            @Override
            public InputStream body() {
                return cut;
            }

            @Override
            public void close() {
                stream.close();
            }
        };
    }
}
