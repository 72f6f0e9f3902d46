package dev.sluice.core.shared;

import dev.sluice.core.config.RedisTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of a test's own, on a free port, that the test stops and starts again: Redis
 * failing under a running gateway and coming back. The binary is {@code redis-server} on the
 * PATH unless REDIS_SERVER names another; it keeps nothing on disk.
 */
public final class RedisProcess implements AutoCloseable {

    private final int port;
    private Process process;

    private RedisProcess(int port) {
        this.port = port;
    }

    /** @return one on a free port, not started yet */
    public static RedisProcess onFreePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return new RedisProcess(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return where it listens */
    public RedisTarget target() {
        return new RedisTarget(Optional.empty(), "127.0.0.1", port, Optional.empty());
    }

    /** Starts it and waits until it takes connections. */
    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(System.getenv().getOrDefault("REDIS_SERVER", "redis-server"), "--port",
                Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        for (int attempt = 0; attempt < 200; attempt++) { // a bound, so a broken start fails the test
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("redis-server exited with " + process.exitValue());
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    /** Stops it, as a crash or a restart would. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
