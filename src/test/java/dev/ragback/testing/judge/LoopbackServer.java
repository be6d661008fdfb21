package dev.ragback.testing.judge;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** The fakes' HTTP server: loopback only, one daemon thread per request (a hanging answer blocks no other). */
final class LoopbackServer {
    private LoopbackServer() {
    }

    /** Not started yet: add the contexts, then start it. Port 0 picks a free one. */
    static HttpServer create(int port, String threadName) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        }));
        return server;
    }
}
